package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import java.util.Map;
import java.util.Optional;

/** Step contexts and batches for tests. */
public final class TestSteps {
    private TestSteps() {}

    /**
     * A training step.
     *
     * @param m the step's manager
     * @return the context
     */
    public static StepContext training(NDManager m) {
        return training(m, 0);
    }

    /**
     * A training step at a given optimizer step.
     *
     * @param m the step's manager
     * @param step the global step
     * @return the context
     */
    public static StepContext training(NDManager m, long step) {
        return new StepContext() {
            @Override
            public NDManager manager() {
                return m;
            }

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
                return step;
            }

            @Override
            public boolean training() {
                return true;
            }

            @Override
            public long seed() {
                return 1;
            }

            @Override
            public double learningRate() {
                return 0.1;
            }
        };
    }

    /**
     * A labelled image batch.
     *
     * @param images (B, C, H, W)
     * @param labels (B) int64
     * @return the batch
     */
    public static Batch batch(NDArray images, NDArray labels) {
        images.setName("image");
        long[] ids = new long[(int) images.getShape().get(0)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return new Batch(new NDList(images), Optional.of(labels), Optional.empty(), ids, 0, Map.of());
    }
}
