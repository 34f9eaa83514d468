package dev.perennial.slerpface.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * PReLU with one learnable slope (torch {@code nn.PReLU()} default: one parameter, initial 0.25):
 * {@code y = max(0, x) + a·min(0, x)}. The reference's group convolution and attention use it (spec §1.2).
 */
public final class ParametricRelu extends FixedShapeBlock {

    private final Parameter slope;

    /** One slope, initially 0.25. */
    public ParametricRelu() {
        slope = registerParameter("weight", Parameter.Type.WEIGHT, new Shape(1), new ConstantInitializer(0.25f));
    }

    /**
     * Applies the activation.
     *
     * @param store the parameter store
     * @param x any shape
     * @param training whether training
     * @return the activation
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray a = value(store, slope, x, training);
        return x.maximum(0f).add(x.minimum(0f).mul(a));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
