package dev.perennial.api.loop;

import ai.djl.ndarray.NDManager;
import dev.perennial.spi.StepContext;

/** The loop's {@link StepContext}: a plain value per step. */
record LoopStepContext(NDManager manager, int task, int epoch, long globalStep, boolean training, long seed,
                       double learningRate) implements StepContext {}
