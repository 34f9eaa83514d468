package dev.perennial.spi;

import ai.djl.nn.Block;
import java.util.Optional;

/**
 * Transfers knowledge from a frozen teacher into the learner's model by adding named loss terms; may add
 * trainable modules of its own (projectors, an assistant model), which the loop optimizes with the learner's.
 */
public interface Distiller {

    /**
     * Called when a task starts.
     *
     * @param task the task
     */
    default void beforeTask(TaskInfo task) {}

    /**
     * The distiller's own trainable modules, optimized and checkpointed by the loop.
     *
     * @return the block, or empty when the distiller trains nothing
     */
    default Optional<Block> trainable() {
        return Optional.empty();
    }

    /**
     * Loss terms for one batch; runs inside the gradient collector after the learner's {@code loss}.
     *
     * @param batch the (augmented) batch
     * @param student the learner's terms and outputs for this batch (e.g. {@code logits}, {@code features})
     * @param step the step
     * @return named terms, weighted by the experiment
     */
    LossTerms loss(Batch batch, LossTerms student, StepContext step);
}
