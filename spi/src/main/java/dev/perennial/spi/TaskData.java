package dev.perennial.spi;

import ai.djl.ndarray.NDArray;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A task's training data as a learner may read it outside the training steps, in batches, without
 * augmentation. Each batch lives in its own scoped manager, freed after the visitor returns.
 */
public interface TaskData {

    /**
     * The task.
     *
     * @return the task info
     */
    TaskInfo task();

    /**
     * Visits every training example once, in order, in batches, with gradient recording off.
     *
     * @param batchSize the batch size
     * @param visitor called per batch; arrays it keeps must be copied into a longer-lived manager
     */
    void forEachBatch(int batchSize, BiConsumer<Batch, StepContext> visitor);

    /**
     * Visits every training example once, computing gradients of a loss the learner defines: the loop opens its
     * gradient collector, calls {@code loss}, runs backward, calls {@code afterBackward} (where parameter
     * gradients are readable), then clears the gradients. The model's weights are not changed.
     *
     * @param batchSize the batch size
     * @param loss the scalar loss of a batch
     * @param afterBackward reads the gradients
     */
    void gradients(int batchSize, BiFunction<Batch, StepContext, NDArray> loss,
                   BiConsumer<Batch, StepContext> afterBackward);
}
