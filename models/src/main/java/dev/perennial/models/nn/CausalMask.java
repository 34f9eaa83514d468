package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Additive attention masks built from {@code arange} comparisons, because DJL 0.36 has neither {@code triu}
 * nor a broadcasting {@code where} (djl-notes §1.4, §5, property J11).
 */
public final class CausalMask {
    private CausalMask() {}

    /** The value added to the score of a hidden key: large enough that its softmax weight is exactly 0. */
    public static final float NEGATIVE = -1e9f;

    /**
     * The hidden-key value for half-precision scores: {@code -2^15}, half of float16's largest magnitude, so that a
     * score plus the mask stays finite. A fully hidden row then softmaxes to a uniform row instead of NaN (NaN would
     * reach every later position through the value product, even at weight 0).
     */
    public static final float HALF_NEGATIVE = -32768f;

    /**
     * A float32 mask in the dtype of the scores it will be added to.
     *
     * @param mask a mask built by {@link #causal} and/or {@link #padding} (float32)
     * @param type the scores' dtype
     * @return {@code mask} itself for float32, else the mask clamped at {@link #HALF_NEGATIVE} in {@code type}
     */
    public static NDArray asType(NDArray mask, DataType type) {
        if (type == mask.getDataType()) {
            return mask;
        }
        if (type == DataType.FLOAT16) {
            return mask.maximum(HALF_NEGATIVE).toType(type, false);
        }
        return mask.toType(type, false);
    }

    /**
     * The causal mask for {@code queries} new positions after {@code offset} cached ones:
     * {@code mask[i][j] = 0 if j ≤ offset + i else NEGATIVE}.
     *
     * @param manager where to create it
     * @param queries S, the number of query positions
     * @param offset the number of positions already in the KV cache
     * @return (S, offset + S), float32
     */
    public static NDArray causal(NDManager manager, long queries, long offset) {
        if (queries <= 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "causal mask: queries must be positive and offset non-negative, got " + queries + ", " + offset);
        }
        NDArray queryPositions = manager.arange(offset, offset + queries, 1, DataType.INT64).reshape(queries, 1);
        NDArray keyPositions = manager.arange(0, offset + queries, 1, DataType.INT64).reshape(1, offset + queries);
        return keyPositions.gt(queryPositions).toType(DataType.FLOAT32, false).mul(NEGATIVE);
    }

    /**
     * The mask that hides padded keys: 0 where {@code keep} is 1, {@link #NEGATIVE} where it is 0.
     *
     * @param keep (B, T) with 1 for real tokens and 0 for padding (any numeric type)
     * @return (B, 1, 1, T), float32, ready to add to (B, H, S, T) scores
     */
    public static NDArray padding(NDArray keep) {
        Shape s = keep.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("padding mask: attention mask must be (batch, keys), got " + s);
        }
        NDArray hidden = keep.toType(DataType.FLOAT32, false).neg().add(1f);
        return hidden.mul(NEGATIVE).reshape(s.get(0), 1, 1, s.get(1));
    }
}
