package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * diffusers' {@code Downsample2D} with a convolution: {@code conv}, 3×3 with stride 2. With padding 1 (the UNet's
 * {@code downsample_padding}) the input is padded on every side; with padding 0 (the VAE encoder) it is first padded
 * by one zero row and column at the bottom and right, as the published autoencoder does.
 */
public final class Downsample2D extends FixedShapeBlock {
    private final int padding;
    private final Conv2dLayer conv;

    /**
     * Creates the block.
     *
     * @param channels channels (kept)
     * @param padding 1 (symmetric) or 0 (asymmetric bottom/right zero pad)
     */
    public Downsample2D(int channels, int padding) {
        if (padding != 0 && padding != 1) {
            throw new IllegalArgumentException("Downsample2D: padding must be 0 or 1, got " + padding);
        }
        this.padding = padding;
        this.conv = addChildBlock("conv", new Conv2dLayer(channels, channels, 3, 2, padding, 1, true));
    }

    /**
     * Halves the resolution.
     *
     * @param store the parameter store
     * @param x (B, C, H, W)
     * @param training whether this is a training pass
     * @return (B, C, ⌈H/2⌉, ⌈W/2⌉) for even sizes H/2, W/2
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        if (padding == 0) {
            Shape s = x.getShape();
            NDArray right = x.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2), 1), x.getDataType());
            x = x.concat(right, 3);
            NDArray bottom = x.getManager().zeros(new Shape(s.get(0), s.get(1), 1, s.get(3) + 1), x.getDataType());
            x = x.concat(bottom, 2);
        }
        return conv.forward(store, x, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
