package dev.perennial.deepfake.diffusionfake;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ParameterInit;

/** A 1×1 convolution whose weight and bias start at zero (ControlNet's "zero convolution"). */
public final class ZeroConv extends FixedShapeBlock {
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the convolution.
     *
     * @param in input channels
     * @param out output channels
     */
    public ZeroConv(int in, int out) {
        this.weight = registerParameter("weight", Parameter.Type.WEIGHT, new Shape(out, in, 1, 1), ParameterInit.ZEROS);
        this.bias = registerParameter("bias", Parameter.Type.BIAS, new Shape(out), ParameterInit.ZEROS);
    }

    /**
     * Applies it.
     *
     * @param store the parameter store
     * @param x (B, in, H, W)
     * @param training whether this is a training pass
     * @return (B, out, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        return Conv2d.conv2d(x, value(store, weight, x, training), value(store, bias, x, training))
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
