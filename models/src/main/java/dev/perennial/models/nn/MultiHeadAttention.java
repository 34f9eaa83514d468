package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * Scaled dot-product attention written out by hand, because DJL 0.36 has no fused SDPA on the PyTorch engine
 * (djl-notes §1.4, §5): {@code softmax(Q·Kᵀ/√d + mask)·V} (Vaswani et al. 2017, eq. 1).
 */
public final class MultiHeadAttention {
    private MultiHeadAttention() {}

    /**
     * Attention over heads.
     *
     * @param q queries, (B, H, S, d)
     * @param k keys, (B, H, T, d)
     * @param v values, (B, H, T, d)
     * @param additiveMask added to the scores before the softmax, broadcastable to (B, H, S, T); {@code null}
     *     for none (use large negative values, e.g. {@link CausalMask#NEGATIVE}, to hide a key)
     * @param dropout dropout probability on the attention weights (applied only when training)
     * @param training whether this is a training pass
     * @return (B, H, S, d)
     */
    public static NDArray attend(
            NDArray q, NDArray k, NDArray v, NDArray additiveMask, float dropout, boolean training) {
        Shape qs = q.getShape();
        Shape ks = k.getShape();
        if (qs.dimension() != 4 || ks.dimension() != 4 || !ks.equals(v.getShape())
                || qs.get(0) != ks.get(0) || qs.get(1) != ks.get(1) || qs.get(3) != ks.get(3)) {
            throw new IllegalArgumentException(
                    "attention: q must be (B, H, S, d) and k, v (B, H, T, d) with equal B, H, d; got q " + qs
                            + ", k " + ks + ", v " + v.getShape());
        }
        float scale = (float) (1.0 / Math.sqrt(qs.get(3)));
        NDArray scores = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), scale);
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray weights = scores.softmax(-1);
        if (dropout > 0 && training) {
            weights = Dropout.dropout(weights, dropout, true).singletonOrThrow();
        }
        return weights.matMul(v);
    }

    /**
     * (B, S, H·d) → (B, H, S, d).
     *
     * @param x the projected tokens
     * @param heads number of heads H
     * @return the per-head view
     */
    public static NDArray splitHeads(NDArray x, long heads) {
        Shape s = x.getShape();
        if (s.dimension() != 3 || s.get(2) % heads != 0) {
            throw new IllegalArgumentException(
                    "attention: tokens must be (B, S, H*d) with width divisible by " + heads + " heads, got " + s);
        }
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /**
     * (B, H, S, d) → (B, S, H·d).
     *
     * @param x per-head tokens
     * @return the merged view
     */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * Grouped-query attention's key/value sharing (Ainslie et al. 2023): (B, Hkv, T, d) → (B, Hkv·n, T, d),
     * where query head h reads key/value head ⌊h / n⌋ (HF {@code repeat_kv}).
     *
     * @param x keys or values
     * @param groups n, the number of query heads per key/value head
     * @return the expanded heads
     */
    public static NDArray repeatKeyValueHeads(NDArray x, long groups) {
        if (groups == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.expandDims(2)
                .broadcast(new Shape(s.get(0), s.get(1), groups, s.get(2), s.get(3)))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }
}
