package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (Su et al. 2021, RoFormer eq. 34) in the "rotate half" layout of HF
 * {@code LlamaRotaryEmbedding}: the rotation pairs feature i with feature i + d/2.
 *
 * <pre>
 * inv_freq_i = θ^(−2i/d),  i = 0 … d/2 − 1
 * angle(p)   = [p·inv_freq, p·inv_freq]                     (d values)
 * rope(x, p) = x·cos(angle(p)) + rotate_half(x)·sin(angle(p)),   rotate_half([x1, x2]) = [−x2, x1]
 * </pre>
 */
public final class RotaryEmbedding {
    private final int headDim;
    private final double theta;
    private final float[] inverseFrequencies;

    /**
     * Creates the embedding.
     *
     * @param headDim d, the per-head width (even)
     * @param theta the base θ (LLaMA 10000, LLaMA-3 500000)
     */
    public RotaryEmbedding(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE: head dimension must be positive and even, got " + headDim);
        }
        if (!(theta > 1)) {
            throw new IllegalArgumentException("RoPE: theta must be > 1, got " + theta);
        }
        this.headDim = headDim;
        this.theta = theta;
        this.inverseFrequencies = new float[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) {
            inverseFrequencies[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        }
    }

    /** @return θ */
    public double theta() {
        return theta;
    }

    /**
     * cos and sin of the rotation angles for positions {@code offset … offset + length − 1}.
     *
     * @param manager where to create them
     * @param offset the first position
     * @param length the number of positions
     * @return [cos, sin], each (length, d), float32
     */
    public NDList cosSin(NDManager manager, long offset, long length) {
        NDArray positions = manager.arange(offset, offset + length, 1, DataType.INT64)
                .toType(DataType.FLOAT32, false)
                .reshape(length, 1);
        NDArray freqs = positions.mul(Owned.floats(manager, inverseFrequencies, new Shape(1, headDim / 2)));
        NDArray angles = freqs.concat(freqs, -1);
        return new NDList(angles.cos(), angles.sin());
    }

    /**
     * Rotates queries or keys.
     *
     * @param x (B, H, S, d)
     * @param cos (S, d) from {@link #cosSin}
     * @param sin (S, d) from {@link #cosSin}
     * @return the rotated tensor, same shape
     */
    public NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        if (x.getShape().tail() != headDim) {
            throw new IllegalArgumentException(
                    "RoPE: last axis must be the head dimension " + headDim + ", got " + x.getShape());
        }
        int half = headDim / 2;
        NDArray x1 = x.get(new NDIndex("..., :" + half));
        NDArray x2 = x.get(new NDIndex("..., " + half + ":"));
        NDArray rotated = x2.neg().concat(x1, -1);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
