package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A square-kernel 2-D convolution without padding, torch names {@code weight} (out, in, k, k) and {@code bias}:
 * the patch projection of ViT ({@code patch_embed.proj}) and CLIP ({@code patch_embedding}), kernel = stride =
 * patch size.
 */
public final class Conv2d extends FixedShapeBlock {
    private final long inChannels;
    private final long outChannels;
    private final int kernel;
    private final int stride;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the convolution with torch's default initialisation.
     *
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernel kernel size
     * @param stride stride
     * @param withBias whether there is a bias
     */
    public Conv2d(long inChannels, long outChannels, int kernel, int stride, boolean withBias) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException(
                    "Conv2d: channels, kernel and stride must be positive, got in=" + inChannels + " out="
                            + outChannels + " kernel=" + kernel + " stride=" + stride);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        long fanIn = inChannels * kernel * kernel;
        this.weight =
                registerParameter(
                        "weight",
                        Parameter.Type.WEIGHT,
                        new Shape(outChannels, inChannels, kernel, kernel),
                        ParameterInit.kaimingUniform(fanIn));
        this.bias =
                withBias
                        ? registerParameter(
                                "bias", Parameter.Type.BIAS, new Shape(outChannels), ParameterInit.kaimingUniform(fanIn))
                        : null;
    }

    /** @return the kernel, (out, in, k, k) */
    public Parameter weight() {
        return weight;
    }

    /**
     * Convolves NCHW images.
     *
     * @param store the parameter store
     * @param x input, (B, in, H, W)
     * @param training whether this is a training pass
     * @return (B, out, (H − k)/s + 1, (W − k)/s + 1)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != inChannels || s.get(2) < kernel || s.get(3) < kernel) {
            throw new IllegalArgumentException(
                    "Conv2d: input must be (batch, " + inChannels + ", H >= " + kernel + ", W >= " + kernel
                            + "), got " + s);
        }
        NDArray w = value(store, weight, x, training);
        NDArray b = bias == null ? null : value(store, bias, x, training);
        return ChannelPaddedConvolution.conv2d(x, w, b, new Shape(stride, stride), new Shape(0, 0));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {
            new Shape(s.get(0), outChannels, (s.get(2) - kernel) / stride + 1, (s.get(3) - kernel) / stride + 1)
        };
    }
}
