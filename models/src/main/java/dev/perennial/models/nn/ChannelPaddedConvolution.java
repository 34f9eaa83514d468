package dev.perennial.models.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * libtorch's 2-D convolution ({@code Conv2d.conv2d}) with, on the CPU, the input channels of an ungrouped
 * convolution zero-padded to a multiple of {@value #CHANNEL_MULTIPLE} (the input and the weight's input axis alike).
 *
 * <p>Why: under the project's {@code ONEDNN_MAX_CPU_ISA=AVX}, libtorch 2.7.1's oneDNN CPU forward 3×3 convolution
 * returned wrong outputs (errors up to 6, non-finite on two threads) at batch 3 for every input-channel count above 8
 * that is not a multiple of 8, and right ones at multiples of 8, on the project's AVX-512 AMD EPYC machines (README
 * "Status", BENCHMARKS "Convolution forward by input channels"; {@code bin/benchmark memory.ConvForwardChannels}
 * measures it; under AVX2 and AVX-512 padding does not help, SSE41 was right without it). Zero
 * channels add {@code 0 · w} terms only, so the padded convolution is the same function; concatenation's backward
 * slices the gradient, so the input and weight gradients are the unpadded ones.
 */
public final class ChannelPaddedConvolution {
    /** Input channels are padded to a multiple of this. */
    public static final int CHANNEL_MULTIPLE = 8;

    private ChannelPaddedConvolution() {}

    /**
     * The convolution of {@code x} with {@code w}, torch's {@code conv2d} semantics.
     *
     * @param x input {@code (N, C, H, W)}
     * @param w weight {@code (O, C / groups, kH, kW)}
     * @param bias bias {@code (O)}, or null
     * @param stride stride
     * @param padding zero padding on each side
     * @param dilation dilation
     * @param groups groups
     * @return {@code (N, O, H', W')}
     */
    public static NDArray conv2d(NDArray x, NDArray w, NDArray bias, Shape stride, Shape padding, Shape dilation,
            int groups) {
        long channels = x.getShape().get(1);
        long missing = (CHANNEL_MULTIPLE - channels % CHANNEL_MULTIPLE) % CHANNEL_MULTIPLE;
        if (groups != 1 || missing == 0 || channels < CHANNEL_MULTIPLE
                || !Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
            return Conv2d.conv2d(x, w, bias, stride, padding, dilation, groups).singletonOrThrow();
        }
        Shape xs = x.getShape();
        Shape ws = w.getShape();
        // zeros() is allocated by libtorch, not wrapped from Java memory, so it may sit on the differentiable path;
        // both live in the input's (per-step) manager, not the parameters' (per-run) one
        NDArray xz = x.getManager().zeros(new Shape(xs.get(0), missing, xs.get(2), xs.get(3)), x.getDataType());
        NDArray wz = x.getManager().zeros(new Shape(ws.get(0), missing, ws.get(2), ws.get(3)), w.getDataType());
        NDArray xp = NDArrays.concat(new NDList(x, xz), 1);
        NDArray wp = NDArrays.concat(new NDList(w, wz), 1);
        wp.attach(x.getManager()); // concat attaches to the first array's manager: the parameters', which lives all run
        return Conv2d.conv2d(xp, wp, bias, stride, padding, dilation, groups).singletonOrThrow();
    }

    /**
     * {@link #conv2d(NDArray, NDArray, NDArray, Shape, Shape, Shape, int)} with dilation 1 and one group.
     *
     * @param x input {@code (N, C, H, W)}
     * @param w weight {@code (O, C, kH, kW)}
     * @param bias bias {@code (O)}, or null
     * @param stride stride
     * @param padding zero padding on each side
     * @return {@code (N, O, H', W')}
     */
    public static NDArray conv2d(NDArray x, NDArray w, NDArray bias, Shape stride, Shape padding) {
        return conv2d(x, w, bias, stride, padding, new Shape(1, 1), 1);
    }
}
