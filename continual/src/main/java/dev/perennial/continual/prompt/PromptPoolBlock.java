package dev.perennial.continual.prompt;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * A holder of prompt parameters: the learner reads them per batch (they depend on the query), so the block itself
 * has no forward pass of its own.
 */
class PromptPoolBlock extends FixedShapeBlock {

    /**
     * Registers a parameter.
     *
     * @param name its name
     * @param shape its shape
     * @param init its initializer
     * @return the parameter
     */
    Parameter add(String name, Shape shape, Initializer init) {
        return registerParameter(name, Parameter.Type.WEIGHT, shape, init);
    }

    /**
     * U[low, high).
     *
     * @param low lower bound
     * @param high upper bound
     * @return the initializer
     */
    static Initializer uniform(float low, float high) {
        return (manager, shape, dataType) -> manager.randomUniform(low, high, shape, dataType);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " holds prompts that its learner selects"
                + " per input; run the learner's model instead");
    }
}
