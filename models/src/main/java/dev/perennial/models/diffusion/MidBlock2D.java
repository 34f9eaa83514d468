package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import java.util.List;

/**
 * The bottleneck: {@code resnets.0}, {@code attentions.0}, {@code resnets.1}. In the UNet
 * ({@code UNetMidBlock2DCrossAttn}) the attention is a {@link Transformer2DModel} with cross-attention; in the VAE
 * ({@code UNetMidBlock2D}) a one-head {@link SpatialSelfAttention}.
 */
public final class MidBlock2D extends FixedShapeBlock {
    private final ResnetBlock2D first;
    private final Block attention;
    private final ResnetBlock2D second;

    private MidBlock2D(ResnetBlock2D first, Block attention, ResnetBlock2D second) {
        this.first = first;
        this.attention = attention;
        this.second = second;
        addChildBlock("attentions", new ModuleList<>(List.of(attention)));
        addChildBlock("resnets", new ModuleList<>(List.of(first, second)));
    }

    /**
     * The UNet's mid block.
     *
     * @param channels channels
     * @param tembChannels time-embedding width
     * @param groups GroupNorm groups
     * @param eps resnet GroupNorm epsilon
     * @param attention the cross-attention settings
     * @return the block
     */
    public static MidBlock2D crossAttention(int channels, int tembChannels, int groups, float eps,
            DownBlock2D.CrossAttention attention) {
        return new MidBlock2D(new ResnetBlock2D(channels, channels, tembChannels, groups, eps),
                attention.build(channels, groups), new ResnetBlock2D(channels, channels, tembChannels, groups, eps));
    }

    /**
     * The VAE's mid block (no time embedding, GroupNorm eps 1e-6).
     *
     * @param channels channels
     * @param groups GroupNorm groups
     * @return the block
     */
    public static MidBlock2D selfAttention(int channels, int groups) {
        return new MidBlock2D(new ResnetBlock2D(channels, channels, 0, groups, 1e-6f),
                new SpatialSelfAttention(channels, groups), new ResnetBlock2D(channels, channels, 0, groups, 1e-6f));
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param h the map
     * @param temb the time embedding (null in the VAE)
     * @param context the conditioning (null in the VAE)
     * @param training whether this is a training pass
     * @return the map
     */
    public NDArray forward(ParameterStore store, NDArray h, NDArray temb, NDArray context, boolean training) {
        h = first.forward(store, h, temb, training);
        h = attention instanceof Transformer2DModel t ? t.forward(store, h, context, training)
                : ((SpatialSelfAttention) attention).forward(store, h, training);
        return second.forward(store, h, temb, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null,
                inputs.size() > 2 ? inputs.get(2) : null, training));
    }
}
