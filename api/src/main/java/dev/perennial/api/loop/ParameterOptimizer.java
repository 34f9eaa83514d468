package dev.perennial.api.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * An optimizer the loop owns. Its state (momenta) lives in its own manager and is checkpointed by name.
 * Updates are in place; temporaries are freed by the step's scope.
 */
public interface ParameterOptimizer extends AutoCloseable {

    /**
     * Updates one parameter.
     *
     * @param parameter the parameter and its group settings
     * @param gradient its gradient
     * @param learningRate the scheduled rate times the group's scale
     */
    void update(TrainableParameter parameter, NDArray gradient, double learningRate);

    /** Marks the end of one optimizer step (all parameters updated). */
    void endStep();

    /** Forgets all state (momenta, step count). */
    void reset();

    /**
     * The state to checkpoint, keyed by parameter name and slot.
     *
     * @return tensors and the step count under {@code step}
     */
    Map<String, NDArray> state();

    /**
     * Restores checkpointed state.
     *
     * @param state what {@link #state()} returned (arrays are copied)
     */
    void load(Map<String, NDArray> state);

    /**
     * The manager holding the state.
     *
     * @return the manager
     */
    NDManager manager();

    @Override
    void close();
}
