package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.MultiHeadAttention;
import dev.perennial.models.pet.ScaleShift;

/**
 * timm's ViT self-attention: one fused {@code qkv} projection (D → 3D), {@code proj} (D → D); with SSF, scale/shift
 * pairs {@code ssf_scale_1} after qkv and {@code ssf_scale_2} after proj (safe.md §3.1).
 */
public final class VitAttention extends FixedShapeBlock {
    private final int dim;
    private final int heads;
    private final Linear qkv;
    private final Linear proj;
    private final ScaleShift ssfQkv;
    private final ScaleShift ssfProj;

    /**
     * Creates the block.
     *
     * @param dim D
     * @param heads heads
     * @param qkvBias whether qkv has a bias
     * @param ssf whether to add SSF pairs
     */
    public VitAttention(int dim, int heads, boolean qkvBias, boolean ssf) {
        this.dim = dim;
        this.heads = heads;
        this.qkv = addChildBlock("qkv", new Linear(dim, 3L * dim, qkvBias));
        this.proj = addChildBlock("proj", new Linear(dim, dim, true));
        if (ssf) {
            ssfQkv = new ScaleShift(1, 3L * dim);
            ssfProj = new ScaleShift(2, dim);
            addParameter(ssfQkv.scale());
            addParameter(ssfQkv.shift());
            addParameter(ssfProj.scale());
            addParameter(ssfProj.shift());
        } else {
            ssfQkv = null;
            ssfProj = null;
        }
    }

    /** @return the fused query/key/value projection */
    public Linear qkv() {
        return qkv;
    }

    /** @return the output projection */
    public Linear proj() {
        return proj;
    }

    /**
     * Self-attention over all tokens (no mask).
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
     * Self-attention with prefix-tuning: the prefix's keys and values go in front of the projected ones, per head
     * (PILOT's {@code PreT_Attention}); queries and the output length stay those of {@code x}.
     *
     * @param store the parameter store
     * @param x (B, T, D)
     * @param training whether this is a training pass
     * @param prefix the prefix, or null for plain self-attention
     * @return (B, T, D)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training, VitPrefix prefix) {
        Shape s = x.getShape();
        NDArray y = qkv.forward(store, x, training);
        if (ssfQkv != null) {
            y = ssfQkv.apply(store, y, training);
        }
        // (B, T, 3, H, d) → (3, B, H, T, d), the layout of timm's qkv.reshape(...).permute(2, 0, 3, 1, 4)
        NDArray parts = y.reshape(s.get(0), s.get(1), 3, heads, dim / heads).transpose(2, 0, 3, 1, 4);
        NDArray q = parts.get(new NDIndex("0"));
        NDArray k = parts.get(new NDIndex("1"));
        NDArray v = parts.get(new NDIndex("2"));
        if (prefix != null) {
            if (prefix.keys().getShape().get(0) != s.get(0) || prefix.keys().getShape().get(2) != dim) {
                throw new IllegalArgumentException("prefix keys " + prefix.keys().getShape() + " do not fit tokens "
                        + s);
            }
            k = MultiHeadAttention.splitHeads(prefix.keys(), heads).concat(k, 2);
            v = MultiHeadAttention.splitHeads(prefix.values(), heads).concat(v, 2);
        }
        NDArray out = MultiHeadAttention.mergeHeads(MultiHeadAttention.attend(q, k, v, null, 0f, training));
        out = proj.forward(store, out, training);
        return ssfProj == null ? out : ssfProj.apply(store, out, training);
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
