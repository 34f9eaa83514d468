package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import dev.perennial.models.nn.Scalars;

/**
 * The OFA logit loss (cakd.md §2.5; Hao840/OFAKD {@code distillers/ofa.py}):
 * <pre>
 *   p^t = softmax(o^t / T),  log p^s = log_softmax(o^s / T)
 *   w_c = (p^t_c + 1[c = y])^ε − 1[c = y]
 *   L   = mean_b  −Σ_c w_c · log p^s_c
 * </pre>
 * The teacher-side logits are detached here, so gradients reach only the student side. With ε = 1,
 * {@code w = p^t} and the loss is the soft-target cross-entropy −Σ p^t log p^s.
 */
public final class OfaLoss {
    private OfaLoss() {}

    /**
     * The loss.
     *
     * @param student student-side logits {@code (B, K)}
     * @param teacher teacher-side logits {@code (B, K)} (detached here)
     * @param targetMask the one-hot mask of the target class {@code (B, K)}, float32
     * @param eps the modulation exponent ε (> 0)
     * @param temperature the softmax temperature T (> 0)
     * @return a scalar
     */
    public static NDArray loss(NDArray student, NDArray teacher, NDArray targetMask, float eps, float temperature) {
        if (!student.getShape().equals(teacher.getShape()) || !student.getShape().equals(targetMask.getShape())) {
            throw new IllegalArgumentException("OFA loss: student logits " + student.getShape() + ", teacher logits "
                    + teacher.getShape() + " and target mask " + targetMask.getShape() + " must have one shape (B, K)");
        }
        NDArray pt = teacher.stopGradient().div(temperature).softmax(1);
        NDArray logPs = Scalars.div(student, temperature).logSoftmax(1);
        NDArray w = pt.add(targetMask).pow(eps).sub(targetMask);
        return w.mul(logPs).sum(new int[] {1}).neg().mean();
    }
}
