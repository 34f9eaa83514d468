package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;
import dev.perennial.models.pet.AdaptFormerAdapter;
import dev.perennial.models.pet.ScaleShift;
import java.util.Optional;

/**
 * One pre-norm transformer block of timm's ViT:
 *
 * <pre>
 * x = x + attn(norm1(x))
 * x = x + mlp(norm2(x)) [+ s·up(ReLU(down(x)))   with the AdaptFormer adapter, parallel option, safe.md §3.1]
 * </pre>
 *
 * With SSF, {@code ssf_scale_1} follows norm1 and {@code ssf_scale_2} follows norm2.
 */
public final class VitBlock extends FixedShapeBlock {
    private final LayerNorm norm1;
    private final VitAttention attn;
    private final LayerNorm norm2;
    private final VitMlp mlp;
    private final AdaptFormerAdapter adapter;
    private final ScaleShift ssf1;
    private final ScaleShift ssf2;

    /**
     * Creates the block.
     *
     * @param config the model config (width, heads, PET switches)
     */
    public VitBlock(VitConfig config) {
        int d = config.embedDim();
        boolean ssf = config.ssf();
        this.norm1 = addChildBlock("norm1", new LayerNorm(d, config.layerNormEps()));
        this.attn = addChildBlock("attn", new VitAttention(d, config.numHeads(), config.qkvBias(), ssf));
        this.norm2 = addChildBlock("norm2", new LayerNorm(d, config.layerNormEps()));
        this.mlp = addChildBlock("mlp", new VitMlp(d, config.mlpHidden(), ssf));
        this.adapter = config.adapter().map(a -> addChildBlock("adaptmlp", new AdaptFormerAdapter(d, a))).orElse(null);
        if (ssf) {
            ssf1 = new ScaleShift(1, d);
            ssf2 = new ScaleShift(2, d);
            addParameter(ssf1.scale());
            addParameter(ssf1.shift());
            addParameter(ssf2.scale());
            addParameter(ssf2.shift());
        } else {
            ssf1 = null;
            ssf2 = null;
        }
    }

    /** @return the attention sub-block */
    public VitAttention attn() {
        return attn;
    }

    /** @return the MLP sub-block */
    public VitMlp mlp() {
        return mlp;
    }

    /** @return the AdaptFormer adapter, if configured */
    public Optional<AdaptFormerAdapter> adapter() {
        return Optional.ofNullable(adapter);
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param x (B, T, D)
     * @param training whether this is a training pass
     * @return (B, T, D)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        return forward(store, x, training, null);
    }

    /**
     * Applies the block with prefix-tuning of its attention ({@link VitAttention#forward(ParameterStore, NDArray,
     * boolean, VitPrefix)}).
     *
     * @param store the parameter store
     * @param x (B, T, D)
     * @param training whether this is a training pass
     * @param prefix the attention prefix, or null
     * @return (B, T, D)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training, VitPrefix prefix) {
        NDArray h = norm1.forward(store, x, training);
        if (ssf1 != null) {
            h = ssf1.apply(store, h, training);
        }
        x = x.add(attn.forward(store, h, training, prefix));
        h = norm2.forward(store, x, training);
        if (ssf2 != null) {
            h = ssf2.apply(store, h, training);
        }
        NDArray update = mlp.forward(store, h, training);
        if (adapter != null) {
            // Parallel AdaptFormer: the adapter reads the block's residual stream, not the normed tokens.
            update = update.add(adapter.forward(store, x, training));
        }
        return x.add(update);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
