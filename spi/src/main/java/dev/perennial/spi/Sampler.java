package dev.perennial.spi;

/**
 * Chooses the order in which a task's training examples are visited in each epoch; may react to the
 * per-sample losses the learner reports (curricula).
 */
public interface Sampler {

    /**
     * The visiting order of one epoch: indices into the task's training split, repeats allowed.
     *
     * @param task the task
     * @param labels the label of every training example of the task
     * @param epoch the epoch, from 0
     * @param seed a seed derived from the run seed, task and epoch
     * @return indices into the task's training split
     */
    int[] order(TaskInfo task, int[] labels, int epoch, long seed);

    /**
     * Observes the per-sample losses of a step, when the learner reports them.
     *
     * @param sampleIds the data set ids of the batch's samples
     * @param losses their losses
     */
    default void observe(long[] sampleIds, float[] losses) {}

    /**
     * State to checkpoint.
     *
     * @return the state
     */
    default PluginState saveState() {
        return PluginState.empty(1);
    }

    /**
     * Restores a checkpointed state.
     *
     * @param state the state
     */
    default void loadState(PluginState state) {}
}
