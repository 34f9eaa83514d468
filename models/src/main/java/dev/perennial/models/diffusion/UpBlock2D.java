package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One resolution level of a UNet decoder: diffusers' {@code CrossAttnUpBlock2D} or {@code UpBlock2D}. Each of its
 * {@code layers_per_block + 1} resnets takes the running map concatenated (on channels) with the most recent unused
 * skip connection of the encoder; the optional {@code upsamplers.0} doubles the resolution.
 */
public final class UpBlock2D extends FixedShapeBlock {
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Transformer2DModel> attentions;
    private final Upsample2D upsampler;

    /**
     * Creates the block.
     *
     * @param in the channels of the encoder level below (the last skip's channels)
     * @param prevOut the channels of the running map coming in
     * @param out output channels
     * @param layers resnets ({@code layers_per_block + 1})
     * @param tembChannels time-embedding width
     * @param groups GroupNorm groups
     * @param eps resnet GroupNorm epsilon
     * @param attention cross-attention settings or null
     * @param upsample whether there is an upsampler
     */
    public UpBlock2D(int in, int prevOut, int out, int layers, int tembChannels, int groups, float eps,
            DownBlock2D.CrossAttention attention, boolean upsample) {
        List<ResnetBlock2D> rs = new ArrayList<>();
        List<Transformer2DModel> as = new ArrayList<>();
        for (int j = 0; j < layers; j++) {
            int skip = j == layers - 1 ? in : out;
            int resIn = j == 0 ? prevOut : out;
            rs.add(new ResnetBlock2D(resIn + skip, out, tembChannels, groups, eps));
            if (attention != null) {
                as.add(attention.build(out, groups));
            }
        }
        this.resnets = addChildBlock("resnets", new ModuleList<>(rs));
        this.attentions = attention == null ? null : addChildBlock("attentions", new ModuleList<>(as));
        this.upsampler = upsample ? new Upsample2D(out) : null;
        if (upsampler != null) {
            addChildBlock("upsamplers", new ModuleList<>(List.of(upsampler)));
        }
    }

    /** @return the number of skip connections the block consumes */
    public int resnetCount() {
        return resnets.size();
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param h the running map
     * @param skips the encoder's skip connections; the block pops one per resnet from the end
     * @param temb the time embedding
     * @param context the conditioning sequence
     * @param training whether this is a training pass
     * @return the block's output
     */
    public NDArray forward(ParameterStore store, NDArray h, Deque<NDArray> skips, NDArray temb, NDArray context,
            boolean training) {
        for (int j = 0; j < resnets.size(); j++) {
            h = resnets.get(j).forward(store, h.concat(skips.removeLast(), 1), temb, training);
            if (attentions != null) {
                h = attentions.get(j).forward(store, h, context, training);
            }
        }
        return upsampler == null ? h : upsampler.forward(store, h, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("UpBlock2D needs the skip connections; call forward(..., skips, ...)");
    }
}
