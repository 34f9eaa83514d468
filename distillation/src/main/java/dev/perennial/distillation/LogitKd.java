package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import dev.perennial.models.nn.Scalars;

/**
 * Hinton et al. 2015, "Distilling the Knowledge in a Neural Network" §2: the KL divergence between the
 * temperature-softened teacher and student distributions, scaled by T² so that its gradient magnitude does not
 * shrink as T grows:
 * <pre>
 *   L = T² · mean_b Σ_c p^t_c (log p^t_c − log p^s_c),   p = softmax(o / T)
 * </pre>
 * It is zero exactly when the student's logits equal the teacher's up to an additive constant per sample.
 */
public final class LogitKd {
    private LogitKd() {}

    /**
     * The loss; the teacher's logits are detached.
     *
     * @param student {@code (B, K)}
     * @param teacher {@code (B, K)}
     * @param temperature T (> 0)
     * @return a scalar
     */
    public static NDArray loss(NDArray student, NDArray teacher, float temperature) {
        if (!student.getShape().equals(teacher.getShape())) {
            throw new IllegalArgumentException("KD: student logits " + student.getShape() + " and teacher logits "
                    + teacher.getShape() + " must have one shape (B, K)");
        }
        NDArray logPt = teacher.stopGradient().div(temperature).logSoftmax(1);
        NDArray logPs = Scalars.div(student, temperature).logSoftmax(1);
        NDArray kl = logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1}).mean();
        return Scalars.mul(kl, temperature * temperature);
    }
}
