package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import dev.perennial.models.nn.ChannelPaddedConvolution;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * torch {@code nn.Conv2d} with a square kernel: parameters {@code weight} {@code (out, in/groups, k, k)} and an
 * optional {@code bias}. The weight starts as torchvision's CNNs initialise it, Kaiming normal in fan-out mode
 * ({@code std = sqrt(2 / (out·k·k))}); the bias uniform in ±1/sqrt(fan-in) as torch's default.
 */
public final class Conv2dLayer extends FixedShapeBlock {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the convolution.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size
     * @param stride stride
     * @param padding zero padding on each side
     * @param groups groups ({@code in} for a depthwise convolution); must divide {@code in} and {@code out}
     * @param withBias whether there is a bias
     */
    public Conv2dLayer(int in, int out, int kernel, int stride, int padding, int groups, boolean withBias) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || groups <= 0
                || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2dLayer: need positive channels/kernel/stride, padding >= 0 and "
                    + "groups dividing both channel counts; got in=" + in + " out=" + out + " kernel=" + kernel
                    + " stride=" + stride + " padding=" + padding + " groups=" + groups);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        int fanOut = out / groups * kernel * kernel;
        int fanIn = in / groups * kernel * kernel;
        weight = registerParameter("weight", Parameter.Type.WEIGHT, new Shape(out, in / groups, kernel, kernel),
                new NormalInitializer((float) Math.sqrt(2.0 / fanOut)));
        bias = withBias ? registerParameter("bias", Parameter.Type.BIAS, new Shape(out),
                new UniformInitializer((float) (1 / Math.sqrt(fanIn)))) : null;
    }

    /**
     * Convolves a batch.
     *
     * @param store the parameter store
     * @param x {@code (N, in, H, W)}
     * @param training whether training
     * @return {@code (N, out, H', W')}
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != in) {
            throw new IllegalArgumentException("Conv2dLayer: expected input (N, " + in + ", H, W), got " + s);
        }
        NDArray b = bias == null ? null : value(store, bias, x, training);
        // not DJL's Conv2d.conv2d directly: libtorch 2.7.1's CPU kernels were wrong for some channel counts
        return ChannelPaddedConvolution.conv2d(x, value(store, weight, x, training), b, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), groups);
    }

    /**
     * The output channels.
     *
     * @return {@code out}
     */
    public int outChannels() {
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, size(s.get(2)), size(s.get(3)))};
    }

    private long size(long x) {
        return (x + 2L * padding - kernel) / stride + 1;
    }
}
