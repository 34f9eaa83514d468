package dev.perennial.deepfake.diffusionfake;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.diffusion.Attention;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * DiffusionFake's Feature Filter (spec Part D.1.1): {@code a = SiLU(conv3×3(F))}; channel attention
 * {@code c = σ(1×1 conv(ReLU(1×1 conv(GAP(a)))))} (C → C/4 → C); spatial attention {@code s = σ(conv3×3(a))}
 * (C → 1); multi-head attention over the H·W positions with query {@code a} and key/value the reweighted
 * {@code a ⊙ c ⊙ s}; {@code conv3×3} to the output width. The order in which the two attentions reweight the
 * features is not fixed by the paper (the spec lists them side by side); here both multiply {@code a}.
 */
public final class FeatureFilter extends FixedShapeBlock {
    private final Conv2dLayer convIn;
    private final Conv2dLayer channelDown;
    private final Conv2dLayer channelUp;
    private final Conv2dLayer spatial;
    private final Attention attention;
    private final Conv2dLayer convOut;

    /**
     * Creates the filter.
     *
     * @param channels detector feature channels C (divisible by 4 and by {@code heads})
     * @param out output channels
     * @param heads attention heads (spec: 4)
     */
    public FeatureFilter(int channels, int out, int heads) {
        if (channels % 4 != 0 || channels % heads != 0) {
            throw new IllegalArgumentException("FeatureFilter: channels (" + channels + ") must be divisible by 4 "
                    + "and by the heads (" + heads + ")");
        }
        this.convIn = addChildBlock("conv_in", new Conv2dLayer(channels, channels, 3, 1, 1, 1, true));
        this.channelDown = addChildBlock("channel_down", new Conv2dLayer(channels, channels / 4, 1, 1, 0, 1, true));
        this.channelUp = addChildBlock("channel_up", new Conv2dLayer(channels / 4, channels, 1, 1, 0, 1, true));
        this.spatial = addChildBlock("spatial", new Conv2dLayer(channels, 1, 3, 1, 1, 1, true));
        this.attention = addChildBlock("attn", new Attention(channels, channels, heads, true));
        this.convOut = addChildBlock("conv_out", new Conv2dLayer(channels, out, 3, 1, 1, 1, true));
    }

    /**
     * Filters a feature map.
     *
     * @param store the parameter store
     * @param f (B, C, H, W)
     * @param training whether this is a training pass
     * @return (B, out, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray f, boolean training) {
        NDArray a = ActivationFunction.SILU.apply(convIn.forward(store, f, training));
        Shape as = a.getShape();
        NDArray gap = a.reshape(as.get(0), as.get(1), -1).mean(new int[] {2}).reshape(as.get(0), as.get(1), 1, 1);
        NDArray c = Activation.sigmoid(channelUp.forward(store,
                Activation.relu(channelDown.forward(store, gap, training)), training));
        NDArray s = Activation.sigmoid(spatial.forward(store, a, training));
        NDArray r = a.mul(c).mul(s);
        Shape sh = a.getShape();
        NDArray q = a.reshape(sh.get(0), sh.get(1), -1).transpose(0, 2, 1);
        NDArray kv = r.reshape(sh.get(0), sh.get(1), -1).transpose(0, 2, 1);
        NDArray att = attention.forward(store, q, kv, training).transpose(0, 2, 1).reshape(sh);
        return convOut.forward(store, att, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
