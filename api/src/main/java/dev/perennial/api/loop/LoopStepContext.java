package dev.perennial.api.loop;

import ai.djl.ndarray.NDManager;
import dev.perennial.spi.StepContext;

/** The loop's {@link StepContext}: a plain value per step. */
record LoopStepContext(NDManager manager, int task, int epoch, long globalStep, boolean training, long seed,
                       double learningRate) implements StepContext {

    /**
     * The same step on a data-parallel shard's device: a child of this step's manager on that device, closed with it.
     *
     * @param shard the shard, whose inputs are on its device
     * @return the context for the shard's forward pass
     */
    LoopStepContext onDevice(dev.perennial.spi.Batch shard) {
        ai.djl.Device device = shard.inputs().isEmpty() ? manager.getDevice() : shard.inputs().get(0).getDevice();
        return new LoopStepContext(manager.newSubManager(device), task, epoch, globalStep, training, seed,
                learningRate);
    }
}
