package dev.perennial.continual.safe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;

/**
 * SAFE's inference aggregation (safe.md §2.6): per sample, the learner whose prediction has the lower entropy
 * gets the larger weight,
 *
 * <pre>
 * H(z) = −Σ_c p(z)_c · log(p(z)_c + 1e-9)
 * [w_F, w_S] = softmax(−γ · [H(z_F), H(z_S)])
 * z = w_F · z_F + w_S · z_S
 * </pre>
 *
 * γ = 0 averages the two logit vectors; γ → ∞ picks the lower-entropy learner.
 */
public final class EntropyAggregation {
    /** The epsilon inside the logarithm of {@code SAFE.py:eval_task}. */
    public static final float EPSILON = 1e-9f;

    private EntropyAggregation() {}

    /**
     * Shannon entropy of the softmax of each row.
     *
     * @param logits (B, C)
     * @return (B)
     */
    public static NDArray entropy(NDArray logits) {
        NDArray p = logits.softmax(1);
        return p.mul(p.add(EPSILON).log()).sum(new int[] {1}).neg();
    }

    /**
     * The aggregation weights.
     *
     * @param fast z_F, (B, C)
     * @param slow z_S, (B, C)
     * @param gamma γ ≥ 0
     * @return (B, 2): column 0 is w_F, column 1 is w_S
     */
    public static NDArray weights(NDArray fast, NDArray slow, float gamma) {
        if (!fast.getShape().equals(slow.getShape())) {
            throw new IllegalArgumentException("fast and slow logits differ in shape: " + fast.getShape() + " vs "
                    + slow.getShape());
        }
        NDArray h = NDArrays.stack(new ai.djl.ndarray.NDList(entropy(fast), entropy(slow)), 1);
        return h.mul(-gamma).softmax(1);
    }

    /**
     * The aggregated logits.
     *
     * @param fast z_F, (B, C)
     * @param slow z_S, (B, C)
     * @param gamma γ ≥ 0
     * @return (B, C)
     */
    public static NDArray combine(NDArray fast, NDArray slow, float gamma) {
        NDArray w = weights(fast, slow, gamma);
        return fast.mul(w.get(new NDIndex(":, 0:1"))).add(slow.mul(w.get(new NDIndex(":, 1:2"))));
    }
}
