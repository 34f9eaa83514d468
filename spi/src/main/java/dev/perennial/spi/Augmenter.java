package dev.perennial.spi;

/**
 * Transforms a training batch online, before the forward pass. Augmenters run in the order the experiment lists
 * them, each on the previous one's output, and never during evaluation.
 */
public interface Augmenter {

    /**
     * Called when a task starts, e.g. to reset or grow pools.
     *
     * @param task the task
     */
    default void beforeTask(TaskInfo task) {}

    /**
     * Transforms a batch. New arrays go in {@code step.manager()}; draw random numbers from a generator seeded
     * with {@code step.seed()} so a resumed run repeats itself.
     *
     * @param batch the batch
     * @param step the step
     * @return the transformed batch (may be the same)
     */
    Batch apply(Batch batch, StepContext step);

    /**
     * State to checkpoint (e.g. background pools).
     *
     * @param step a context for temporary arrays
     * @return the state
     */
    default PluginState saveState(StepContext step) {
        return PluginState.empty(1);
    }

    /**
     * Restores a checkpointed state.
     *
     * @param state the state
     */
    default void loadState(PluginState state) {}
}
