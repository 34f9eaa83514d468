package dev.perennial.deepfake.sta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ParameterInit;

/**
 * A depthwise 3-D convolution (torch {@code nn.Conv3d(C, C, k, padding=k//2, groups=C)}): one kernel of shape
 * (k_t, k_h, k_w) per channel, 'same' padding ⌊k/2⌋ per axis, so odd kernels keep (T, H, W)
 * (specs/deepfake.md §B.1.2, property V6). Weight (C, 1, k_t, k_h, k_w) and bias (C) with torch's default init.
 */
public final class DepthwiseConv3d extends FixedShapeBlock {
    private final int channels;
    private final Shape kernel;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the layer.
     *
     * @param channels C
     * @param kernel (k_t, k_h, k_w), each odd and positive
     * @throws IllegalArgumentException when a kernel size is even or not positive
     */
    public DepthwiseConv3d(int channels, Shape kernel) {
        if (channels <= 0 || kernel.dimension() != 3) {
            throw new IllegalArgumentException("DepthwiseConv3d: need channels > 0 and a 3-D kernel; got "
                    + channels + ", " + kernel);
        }
        for (long k : kernel.getShape()) {
            if (k <= 0 || k % 2 == 0) {
                throw new IllegalArgumentException("DepthwiseConv3d: kernel sizes must be odd and positive for "
                        + "'same' padding; got " + kernel);
            }
        }
        this.channels = channels;
        this.kernel = kernel;
        long fanIn = kernel.size();
        weight = registerParameter("weight", Parameter.Type.WEIGHT,
                new Shape(channels, 1, kernel.get(0), kernel.get(1), kernel.get(2)), ParameterInit.kaimingUniform(fanIn));
        bias = registerParameter("bias", Parameter.Type.BIAS, new Shape(channels), ParameterInit.kaimingUniform(fanIn));
    }

    /**
     * Applies the convolution.
     *
     * @param store the parameter store
     * @param x (B, C, T, H, W)
     * @param training whether training
     * @return (B, C, T, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        if (x.getShape().dimension() != 5 || x.getShape().get(1) != channels) {
            throw new IllegalArgumentException("DepthwiseConv3d: expected (B, " + channels + ", T, H, W), got "
                    + x.getShape());
        }
        Shape pad = new Shape(kernel.get(0) / 2, kernel.get(1) / 2, kernel.get(2) / 2);
        return Conv3d.conv3d(x, value(store, weight, x, training), value(store, bias, x, training),
                new Shape(1, 1, 1), pad, new Shape(1, 1, 1), channels).singletonOrThrow();
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
