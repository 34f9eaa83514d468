package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.FixedShapeBlock;

/** diffusers' {@code Upsample2D}: nearest-neighbour ×2, then {@code conv} (3×3, padding 1). */
public final class Upsample2D extends FixedShapeBlock {
    private final Conv2dLayer conv;

    /**
     * Creates the block.
     *
     * @param channels channels (kept)
     */
    public Upsample2D(int channels) {
        this.conv = addChildBlock("conv", new Conv2dLayer(channels, channels, 3, 1, 1, 1, true));
    }

    /**
     * Doubles the resolution.
     *
     * @param store the parameter store
     * @param x (B, C, H, W)
     * @param training whether this is a training pass
     * @return (B, C, 2H, 2W)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        return conv.forward(store, nearest2x(x), training);
    }

    /**
     * Nearest-neighbour upsampling by 2 (each value copied into a 2×2 cell), differentiable.
     *
     * @param x (B, C, H, W)
     * @return (B, C, 2H, 2W)
     */
    public static NDArray nearest2x(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2), 1, s.get(3), 1)
                .broadcast(new Shape(s.get(0), s.get(1), s.get(2), 2, s.get(3), 2))
                .reshape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
