package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;

/**
 * diffusers' {@code BasicTransformerBlock} as Stable Diffusion uses it (pre-norm, LayerNorm eps 1e-5):
 * {@code x += attn1(norm1(x))} (self-attention), {@code x += attn2(norm2(x), context)} (cross-attention to the
 * conditioning sequence), {@code x += ff(norm3(x))} (GEGLU feed-forward).
 */
public final class BasicTransformerBlock extends FixedShapeBlock {
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final GegluFeedForward ff;

    /**
     * Creates the block.
     *
     * @param dim token width
     * @param contextDim width of the conditioning tokens ({@code cross_attention_dim})
     * @param heads attention heads
     */
    public BasicTransformerBlock(int dim, int contextDim, int heads) {
        this.norm1 = addChildBlock("norm1", new LayerNorm(dim, 1e-5f));
        this.attn1 = addChildBlock("attn1", new Attention(dim, dim, heads, false));
        this.norm2 = addChildBlock("norm2", new LayerNorm(dim, 1e-5f));
        this.attn2 = addChildBlock("attn2", new Attention(dim, contextDim, heads, false));
        this.norm3 = addChildBlock("norm3", new LayerNorm(dim, 1e-5f));
        this.ff = addChildBlock("ff", new GegluFeedForward(dim));
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param x (B, N, dim)
     * @param context (B, M, contextDim)
     * @param training whether this is a training pass
     * @return (B, N, dim)
     */
    public NDArray forward(ParameterStore store, NDArray x, NDArray context, boolean training) {
        x = attn1.forward(store, norm1.forward(store, x, training), null, training).add(x);
        x = attn2.forward(store, norm2.forward(store, x, training), context, training).add(x);
        return ff.forward(store, norm3.forward(store, x, training), training).add(x);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.get(1), training));
    }
}
