package dev.perennial.spi;

import ai.djl.nn.Block;
import java.util.Optional;

/**
 * Transfers knowledge from a frozen teacher into the learner's model by adding named loss terms; may add
 * trainable modules of its own (projectors, an assistant model), which the loop optimizes with the learner's.
 *
 * <h2>Checkpoints and resume</h2>
 * The loop saves the parameters of {@link #trainable()} itself (in {@code model.safetensors}) and the
 * {@link PluginState} of {@link #saveState}: whatever else the distiller keeps across steps or tasks and cannot
 * rebuild exactly from its configuration — a teacher with random weights (a file-loaded one is read again), a
 * snapshot of an earlier model, memory banks, counters. On a resume the loop creates a fresh distiller and:
 * <ol>
 *   <li>from a checkpoint written <b>in the middle of a task</b>: calls {@link #beforeTask} for that task (with
 *       the engine seeded as at the task's start, but before the learner's and the distiller's parameters are
 *       restored, so what {@code beforeTask} derives from randomness or from a model must come back through the
 *       state), then {@link #loadState};</li>
 *   <li>from a checkpoint written <b>at a task boundary</b>: calls {@link #loadState} on the fresh distiller; the
 *       next task's {@code beforeTask} follows as in an uninterrupted run.</li>
 * </ol>
 * Either way {@code loadState} runs after the learner's {@code loadState} and before the parameters of
 * {@link #trainable()} are restored, so after it {@code trainable()} must have its full structure (build what is
 * missing in {@code loadState}). Arrays kept across steps must be real copies the distiller owns (e.g.
 * {@code dev.perennial.models.nn.Owned.keep} into the plugin's manager, or {@code copyTo} into existing
 * parameters), never views of a step's arrays or of the {@code PluginState}'s tensors. The two methods were added
 * in SPI 1.1; their defaults (no state) keep distillers built against 1.0 compiling and running.
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

    /**
     * The state to checkpoint beyond {@link #trainable()}'s parameters (which the loop saves itself).
     *
     * @param step a context whose manager may hold temporary arrays for the write
     * @return the state; by default none
     * @since SPI 1.1
     */
    default PluginState saveState(StepContext step) {
        return PluginState.empty(1);
    }

    /**
     * Restores a checkpointed state, on a fresh distiller (see the class description for when it runs relative to
     * {@link #beforeTask}). The state's tensors belong to the loop: copy what you keep.
     *
     * @param state the state written by {@link #saveState}
     * @since SPI 1.1
     */
    default void loadState(PluginState state) {}
}
