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

/**
 * torch {@code nn.ConvTranspose2d(in, out, kernel 4, stride 2, padding 1, bias=False)}: doubles the resolution.
 * Parameter {@code weight} of shape (in, out, 4, 4).
 *
 * <p>DJL 0.36's PyTorch engine does not implement deconvolution, so it is computed as the equivalent direct
 * convolution: zeros inserted between the input's rows and columns, then a stride-1 convolution with padding 2 by
 * the spatially flipped kernel with its two channel axes swapped, cropped to 2H × 2W. The test checks it is the
 * adjoint of the stride-2 convolution with the same kernel.
 */
public final class ConvTranspose2d extends FixedShapeBlock {
    private final int in;
    private final Parameter weight;

    /**
     * Creates the layer.
     *
     * @param in input channels
     * @param out output channels
     */
    public ConvTranspose2d(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("ConvTranspose2d: channels must be positive, got " + in + " -> " + out);
        }
        this.in = in;
        this.weight = registerParameter("weight", Parameter.Type.WEIGHT, new Shape(in, out, 4, 4),
                ParameterInit.kaimingUniform(out * 16L));
    }

    /**
     * Upsamples.
     *
     * @param store the parameter store
     * @param x (B, in, H, W)
     * @param training whether this is a training pass
     * @return (B, out, 2H, 2W)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != in) {
            throw new IllegalArgumentException("ConvTranspose2d: input must be (B, " + in + ", H, W), got "
                    + x.getShape());
        }
        Shape s = x.getShape();
        long b = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray zeros = x.zerosLike();
        // (B, C, H, 1, W, 1) with zeros beside every value along both spatial axes -> (B, C, 2H, 2W)
        NDArray cols = x.reshape(b, in, h, w, 1).concat(zeros.reshape(b, in, h, w, 1), 4).reshape(b, in, h, 2 * w);
        NDArray rowZeros = cols.zerosLike();
        NDArray dilated = cols.reshape(b, in, h, 1, 2 * w).concat(rowZeros.reshape(b, in, h, 1, 2 * w), 3)
                .reshape(b, in, 2 * h, 2 * w);
        NDArray kernel = value(store, weight, x, training).flip(2, 3).transpose(1, 0, 2, 3);
        NDArray y = Conv2d.conv2d(dilated, kernel, null, new Shape(1, 1), new Shape(2, 2)).singletonOrThrow();
        return y.get(":, :, :" + 2 * h + ", :" + 2 * w);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
