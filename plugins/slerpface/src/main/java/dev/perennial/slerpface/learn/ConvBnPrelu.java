package dev.perennial.slerpface.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.BatchNorm2d;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * {@code PReLU(BN(Conv(x)))}, the unit of the reference's group head and attention (spec §1.2). The convolution
 * has no bias: the batch norm that follows subtracts any constant per channel (the reference keeps torch's
 * default bias, which BN cancels in training).
 */
public final class ConvBnPrelu extends FixedShapeBlock {

    private final Conv2dLayer conv;
    private final BatchNorm2d bn;
    private final ParametricRelu prelu;

    /**
     * A convolution with "same" padding and no bias (batch norm follows).
     *
     * @param in input channels
     * @param out output channels
     * @param kernel odd kernel size
     * @param perChannelSlope one PReLU slope per output channel (else one shared slope)
     */
    public ConvBnPrelu(int in, int out, int kernel, boolean perChannelSlope) {
        conv = addChildBlock("conv", new Conv2dLayer(in, out, kernel, 1, kernel / 2, 1, false));
        bn = addChildBlock("bn", new BatchNorm2d(out));
        prelu = addChildBlock("prelu", new ParametricRelu(perChannelSlope ? out : 1));
    }

    /**
     * Applies the unit.
     *
     * @param store the parameter store
     * @param x {@code (N, in, H, W)}
     * @param training whether training
     * @return {@code (N, out, H, W)}
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        return prelu.forward(store, bn.forward(store, conv.forward(store, x, training), training), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("ConvBnPrelu: run a forward pass for the output shape");
    }
}
