package dev.perennial.slerpface.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Scalars;

/**
 * PReLU, torch {@code nn.PReLU(num_parameters)}: {@code y = max(0, x) + a_c·min(0, x)} with one learnable slope
 * (initially 0.25) shared by all channels, or one per channel (axis 1). The reference's group convolution uses
 * {@code PReLU(group_size)} (per channel), its attention {@code PReLU()} (one slope).
 */
public final class ParametricRelu extends FixedShapeBlock {

    private final Parameter slope;
    private final int channels;

    /**
     * Slopes, initially 0.25.
     *
     * @param channels 1 for one shared slope, else the channel count (axis 1 of the input)
     */
    public ParametricRelu(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("ParametricRelu: channels must be >= 1, was " + channels);
        }
        this.channels = channels;
        slope = registerParameter("weight", Parameter.Type.WEIGHT, new Shape(channels),
                new ConstantInitializer(0.25f));
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
        if (channels > 1) {
            long[] shape = new long[x.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[1] = channels;
            a = a.reshape(new Shape(shape));
        }
        return Scalars.maximum(x, 0f).add(Scalars.minimum(x, 0f).mul(a));
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
