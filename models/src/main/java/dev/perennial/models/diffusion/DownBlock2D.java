package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * One resolution level of a UNet encoder or VAE encoder: diffusers' {@code CrossAttnDownBlock2D} (resnets each
 * followed by a {@link Transformer2DModel}), {@code DownBlock2D} (resnets only) or {@code DownEncoderBlock2D}
 * (resnets without time embedding), then an optional {@code downsamplers.0}. Every resnet(+attention) output and
 * the downsampled map are skip connections for the UNet decoder.
 */
public final class DownBlock2D extends FixedShapeBlock {
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Transformer2DModel> attentions;
    private final Downsample2D downsampler;

    /**
     * Creates the block.
     *
     * @param in input channels
     * @param out output channels
     * @param layers resnets
     * @param tembChannels time-embedding width (0: none)
     * @param groups GroupNorm groups
     * @param eps resnet GroupNorm epsilon
     * @param attention the cross-attention settings, or null for a block without attention
     * @param downsamplePadding the downsampler's padding, or -1 for no downsampler
     */
    public DownBlock2D(int in, int out, int layers, int tembChannels, int groups, float eps,
            CrossAttention attention, int downsamplePadding) {
        List<ResnetBlock2D> rs = new ArrayList<>();
        List<Transformer2DModel> as = new ArrayList<>();
        for (int j = 0; j < layers; j++) {
            rs.add(new ResnetBlock2D(j == 0 ? in : out, out, tembChannels, groups, eps));
            if (attention != null) {
                as.add(attention.build(out, groups));
            }
        }
        this.resnets = addChildBlock("resnets", new ModuleList<>(rs));
        this.attentions = attention == null ? null : addChildBlock("attentions", new ModuleList<>(as));
        this.downsampler = downsamplePadding < 0 ? null : new Downsample2D(out, downsamplePadding);
        if (downsampler != null) {
            addChildBlock("downsamplers", new ModuleList<>(List.of(downsampler)));
        }
    }

    /** @return whether this block has cross-attention */
    public boolean hasAttention() {
        return attentions != null;
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param h (B, in, H, W)
     * @param temb the time embedding, or null
     * @param context the conditioning sequence (used only with attention)
     * @param skips where each intermediate output is appended (may be null)
     * @param training whether this is a training pass
     * @return the block's output
     */
    public NDArray forward(ParameterStore store, NDArray h, NDArray temb, NDArray context, List<NDArray> skips,
            boolean training) {
        for (int j = 0; j < resnets.size(); j++) {
            h = resnets.get(j).forward(store, h, temb, training);
            if (attentions != null) {
                h = attentions.get(j).forward(store, h, context, training);
            }
            if (skips != null) {
                skips.add(h);
            }
        }
        if (downsampler != null) {
            h = downsampler.forward(store, h, training);
            if (skips != null) {
                skips.add(h);
            }
        }
        return h;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null,
                inputs.size() > 2 ? inputs.get(2) : null, null, training));
    }

    /**
     * The settings of the cross-attention transformers of a block.
     *
     * @param contextDim conditioning width
     * @param heads attention heads
     * @param linearProjection linear projections in and out
     */
    public record CrossAttention(int contextDim, int heads, boolean linearProjection) {
        Transformer2DModel build(int channels, int groups) {
            return new Transformer2DModel(channels, contextDim, heads, groups, linearProjection);
        }
    }
}
