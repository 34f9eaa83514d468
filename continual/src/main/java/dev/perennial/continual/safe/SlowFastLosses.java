package dev.perennial.continual.safe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.continual.ptm.CosineHead;
import dev.perennial.models.nn.Scalars;

/**
 * The loss terms of SAFE's slow and fast learners (safe.md §2.3, §2.4).
 */
public final class SlowFastLosses {
    private SlowFastLosses() {}

    /** How the cosine alignment loss reduces over the batch (safe.md §7.2). */
    public enum Reduction {
        /** Σ over the batch: the reference code (default). */
        SUM,
        /** Mean over the batch: probably the paper's (then λ_cos ≈ 50, UNVERIFIED). */
        MEAN
    }

    /**
     * The two terms of the slow learner's transfer loss, unweighted.
     *
     * @param diagonal {@code L_diag = Σ_i (Γ_ii − 1)²}
     * @param redundancy {@code L_rdn = Σ_{i≠j} Γ_ij²}
     */
    public record Transfer(NDArray diagonal, NDArray redundancy) {}

    /**
     * The transfer loss of task 1 (safe.md §2.3): with per-sample L2-normalised rows
     * {@code Z_S = n(φ_S(x))}, {@code Z_0 = n(φ_0(x))} and {@code Γ = Z_Sᵀ Z_0 / B}. The PTM features get no gradient.
     *
     * @param slow φ_S(x), (B, D)
     * @param ptm φ_0(x), (B, D)
     * @return L_diag and L_rdn
     */
    public static Transfer transfer(NDArray slow, NDArray ptm) {
        if (!slow.getShape().equals(ptm.getShape()) || slow.getShape().dimension() != 2) {
            throw new IllegalArgumentException("transfer loss: slow and PTM features must both be (B, D), got "
                    + slow.getShape() + " and " + ptm.getShape());
        }
        long b = slow.getShape().get(0);
        int d = (int) slow.getShape().get(1);
        NDArray zs = CosineHead.normalizeRows(slow);
        NDArray z0 = CosineHead.normalizeRows(ptm.stopGradient());
        NDArray gamma = Scalars.div(zs.transpose().matMul(z0), (float) b);
        NDArray diag = gamma.diagonal();
        NDArray lDiag = Scalars.sub(diag, 1f).square().sum();
        NDManager m = slow.getManager();
        NDArray offDiagonal = m.ones(gamma.getShape(), DataType.FLOAT32).sub(m.eye(d, d, 0, DataType.FLOAT32));
        NDArray lRdn = gamma.mul(offDiagonal).square().sum();
        return new Transfer(lDiag, lRdn);
    }

    /**
     * The fast learner's feature alignment {@code Σ_b (1 − cos(f_F,b, f_S,b))} (or its mean), the slow features
     * detached.
     *
     * @param fast f_F, (B, D)
     * @param slow f_S, (B, D)
     * @param reduction sum (reference code) or mean
     * @return a scalar
     */
    public static NDArray cosineAlignment(NDArray fast, NDArray slow, Reduction reduction) {
        if (!fast.getShape().equals(slow.getShape())) {
            throw new IllegalArgumentException("cosine alignment: fast and slow features differ in shape: "
                    + fast.getShape() + " vs " + slow.getShape());
        }
        NDArray cos = CosineHead.normalizeRows(fast).mul(CosineHead.normalizeRows(slow.stopGradient()))
                .sum(new int[] {1});
        NDArray perSample = Scalars.add(cos.neg(), 1f);
        return reduction == Reduction.SUM ? perSample.sum() : perSample.mean();
    }
}
