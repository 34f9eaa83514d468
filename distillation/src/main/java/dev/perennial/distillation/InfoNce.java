package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Scalars;

/**
 * The in-batch InfoNCE loss of cakd.md §2.4 between two sets of embeddings of the same images:
 * <pre>
 *   L = −(1/B) Σ_b log [ exp(⟨z_i^b, z_j^b⟩/τ) / Σ_b' exp(⟨z_i^b, z_j^b'⟩/τ) ],   τ = exp(logτ)
 * </pre>
 * where {@code z} are L2-normalised projections; sample b of the other model is the positive, the rest of the
 * batch are the negatives. With {@code symmetric} the loss is the mean of both directions (i→j and j→i);
 * cakd.md marks the choice UNVERIFIED and the default is the one-directional form as written.
 */
public final class InfoNce {
    private InfoNce() {}

    /**
     * The loss.
     *
     * @param zi {@code (B, d)}, already L2-normalised (the anchor side)
     * @param zj {@code (B, d)}, already L2-normalised (the positives / negatives)
     * @param logTemperature a scalar or {@code (1)} array holding logτ; τ = exp(logτ) > 0 always
     * @param symmetric whether to average with the j→i direction
     * @return a scalar
     * @throws IllegalArgumentException when the shapes differ or are not (B, d)
     */
    public static NDArray loss(NDArray zi, NDArray zj, NDArray logTemperature, boolean symmetric) {
        Shape a = zi.getShape();
        Shape b = zj.getShape();
        if (a.dimension() != 2 || !a.equals(b)) {
            throw new IllegalArgumentException("InfoNCE needs two (B, d) embeddings of equal shape; got " + a
                    + " and " + b);
        }
        // Similarities scaled by 1/τ = exp(−logτ).
        NDArray logits = zi.matMul(zj.transpose()).mul(logTemperature.neg().exp().reshape(1, 1));
        NDArray forward = diagonalCrossEntropy(logits);
        return symmetric ? Scalars.div(forward.add(diagonalCrossEntropy(logits.transpose())), 2f) : forward;
    }

    /** Mean over rows of −log softmax(row)[row index]: cross-entropy whose target is the diagonal. */
    private static NDArray diagonalCrossEntropy(NDArray logits) {
        long n = logits.getShape().get(0);
        NDArray logProb = logits.logSoftmax(1);
        NDArray eye = logits.getManager().eye((int) n).toType(logProb.getDataType(), false);
        return Scalars.div(logProb.mul(eye).sum(), (float) n).neg();
    }

    /**
     * L2-normalises each row (cakd.md §2.1: {@code n}).
     *
     * @param x {@code (B, d)}
     * @return the rows divided by their norm (with a 1e-12 floor)
     */
    public static NDArray normalize(NDArray x) {
        NDArray norm = Scalars.maximum(x.square().sum(new int[] {1}, true).sqrt(), 1e-12f);
        return x.div(norm);
    }
}
