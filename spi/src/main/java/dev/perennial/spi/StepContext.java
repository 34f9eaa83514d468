package dev.perennial.spi;

import ai.djl.ndarray.NDManager;

/**
 * What a hook learns about the current step. Arrays made from {@link #manager()} are freed when the step ends.
 */
public interface StepContext {

    /**
     * The step's scoped manager; everything allocated during the step belongs here.
     *
     * @return the manager
     */
    NDManager manager();

    /**
     * The index of the task being trained.
     *
     * @return the task index
     */
    int task();

    /**
     * The epoch within the task, from 0.
     *
     * @return the epoch
     */
    int epoch();

    /**
     * The optimizer steps taken since the run began (before this one, inside {@code loss}).
     *
     * @return the global step
     */
    long globalStep();

    /**
     * Whether this is a training step (false during evaluation and prediction).
     *
     * @return true when training
     */
    boolean training();

    /**
     * A seed for this step, derived from the run seed, the task, epoch and step, so a resumed run draws the
     * same random numbers as an uninterrupted one.
     *
     * @return the step seed
     */
    long seed();

    /**
     * The learning rate of the base parameter group at this step.
     *
     * @return the learning rate
     */
    double learningRate();
}
