package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;

/**
 * The residual block of the diffusion UNet and VAE (diffusers {@code ResnetBlock2D}, "default" time-embedding
 * mode): {@code h = conv1(SiLU(norm1(x)))}, plus {@code time_emb_proj(SiLU(temb))} broadcast over the positions
 * when there is a time embedding, {@code h = conv2(SiLU(norm2(h)))}, output {@code shortcut(x) + h} where the
 * shortcut is a 1×1 {@code conv_shortcut} when the channel count changes. Dropout is 0 (diffusers' default).
 */
public final class ResnetBlock2D extends FixedShapeBlock {
    private final GroupNorm norm1;
    private final Conv2dLayer conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2dLayer conv2;
    private final Conv2dLayer convShortcut;

    /**
     * Creates the block.
     *
     * @param in input channels
     * @param out output channels
     * @param tembChannels time-embedding width, or 0 for none (the VAE)
     * @param groups GroupNorm groups
     * @param eps GroupNorm epsilon
     */
    public ResnetBlock2D(int in, int out, int tembChannels, int groups, float eps) {
        this.norm1 = addChildBlock("norm1", new GroupNorm(groups, in, eps));
        this.conv1 = addChildBlock("conv1", new Conv2dLayer(in, out, 3, 1, 1, 1, true));
        this.timeEmbProj = tembChannels > 0 ? addChildBlock("time_emb_proj", new Linear(tembChannels, out, true))
                : null;
        this.norm2 = addChildBlock("norm2", new GroupNorm(groups, out, eps));
        this.conv2 = addChildBlock("conv2", new Conv2dLayer(out, out, 3, 1, 1, 1, true));
        this.convShortcut = in != out ? addChildBlock("conv_shortcut", new Conv2dLayer(in, out, 1, 1, 0, 1, true))
                : null;
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param x (B, in, H, W)
     * @param temb (B, temb) or null when built without a time embedding
     * @param training whether this is a training pass
     * @return (B, out, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray x, NDArray temb, boolean training) {
        NDArray h = conv1.forward(store, silu(norm1.forward(store, x, training)), training);
        if (timeEmbProj != null) {
            if (temb == null) {
                throw new IllegalArgumentException("ResnetBlock2D: built with a time embedding but given none");
            }
            NDArray t = timeEmbProj.forward(store, silu(temb), training);
            h = h.add(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
        }
        h = conv2.forward(store, silu(norm2.forward(store, h, training)), training);
        return (convShortcut == null ? x : convShortcut.forward(store, x, training)).add(h);
    }

    static NDArray silu(NDArray x) {
        return ActivationFunction.SILU.apply(x);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }
}
