package dev.perennial.augmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import java.util.Map;
import java.util.Optional;

/**
 * A step context for tests: a manager, a seed and the training flag.
 *
 * @param manager the step manager
 * @param seed the step seed
 * @param training whether the step trains
 */
public record TestStep(NDManager manager, long seed, boolean training) implements StepContext {

    @Override
    public int task() {
        return 0;
    }

    @Override
    public int epoch() {
        return 0;
    }

    @Override
    public long globalStep() {
        return seed;
    }

    @Override
    public double learningRate() {
        return 0.1;
    }

    /**
     * A training step.
     *
     * @param manager the manager
     * @param seed the seed
     * @return the step
     */
    public static TestStep training(NDManager manager, long seed) {
        return new TestStep(manager, seed, true);
    }

    /**
     * A labelled batch with named inputs.
     *
     * @param labels the class ids
     * @param inputs alternating names and arrays
     * @return the batch
     */
    public static Batch batch(NDArray labels, Object... inputs) {
        NDList list = new NDList();
        for (int i = 0; i < inputs.length; i += 2) {
            NDArray a = (NDArray) inputs[i + 1];
            a.setName((String) inputs[i]);
            list.add(a);
        }
        int n = (int) labels.getShape().get(0);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return new Batch(list, Optional.of(labels), Optional.empty(), ids, 0, Map.of());
    }
}
