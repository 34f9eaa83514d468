package dev.perennial.deepfake;

import ai.djl.ndarray.NDManager;
import dev.perennial.spi.StepContext;

/**
 * A training step for tests.
 *
 * @param manager the step manager
 * @param seed the step seed
 * @param learningRate the learning rate
 */
public record TestStep(NDManager manager, long seed, double learningRate) implements StepContext {
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
    public boolean training() {
        return true;
    }
}
