package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import dev.perennial.models.nn.Scalars;

/**
 * Closed-form gradient norms of the distillation losses at their own inputs, for gradient-norm balancing of loss
 * terms (issue 26; ours, not a method's published recipe). All results are detached scalars computed from
 * detached inputs, so they only rescale a term; they never add a gradient path.
 * <pre>
 *   CE(z, y)             ∂/∂z_b = (softmax(z_b) − 1[y_b]) / B
 *   OFA(z | t, y; ε, T)  ∂/∂z_b = (S_b · softmax(z_b/T) − w_b) / (B·T),   w_b = (p^t_b + 1[y_b])^ε − 1[y_b], S_b = Σ_c w_bc
 *   InfoNCE(Z_i, Z_j; τ) with L = Z_i Z_jᵀ / τ and D = ∂ℓ/∂L:  ∂/∂Z_i = D Z_j / τ,  ∂/∂Z_j = Dᵀ Z_i / τ,
 *                        D = (P − I) / B (P the row softmax of L); symmetric: ((P − I) + (P' − I)ᵀ) / (2B), P' of Lᵀ
 * </pre>
 * The norm is the Frobenius norm over all inputs that take a gradient.
 */
public final class LossScaling {
    /** The largest factor gradient-norm balancing multiplies a term by (a near-flat term is not blown up). */
    public static final float MAX_GRAD_NORM_SCALE = 10f;
    private static final float EPS = 1e-12f;

    private LossScaling() {}

    /**
     * ‖∂CE/∂z‖ of the mean cross-entropy.
     *
     * @param logits {@code (B, K)}
     * @param targetMask one-hot targets {@code (B, K)}
     * @return a detached scalar
     */
    public static NDArray crossEntropyGradientNorm(NDArray logits, NDArray targetMask) {
        NDArray z = logits.stopGradient();
        long b = z.getShape().get(0);
        return frobenius(Scalars.div(z.softmax(1).sub(targetMask), (float) b));
    }

    /**
     * ‖∂OFA/∂z_s‖ of {@link OfaLoss#loss} at the student-side logits (the teacher side is detached there).
     *
     * @param student student-side logits {@code (B, K)}
     * @param teacher teacher-side logits {@code (B, K)}
     * @param targetMask one-hot targets
     * @param eps ε
     * @param temperature T
     * @return a detached scalar
     */
    public static NDArray ofaGradientNorm(NDArray student, NDArray teacher, NDArray targetMask, float eps,
            float temperature) {
        NDArray zs = student.stopGradient();
        long b = zs.getShape().get(0);
        NDArray w = Scalars.div(teacher.stopGradient(), temperature).softmax(1).add(targetMask).pow(eps)
                .sub(targetMask);
        NDArray q = Scalars.div(zs, temperature).softmax(1);
        NDArray g = q.mul(w.sum(new int[] {1}, true)).sub(w);
        return frobenius(Scalars.div(g, b * temperature));
    }

    /**
     * ‖∂InfoNCE/∂(Z_i, Z_j)‖ of {@link InfoNce#loss}.
     *
     * @param zi anchor embeddings {@code (B, d)}
     * @param zj other embeddings {@code (B, d)}
     * @param logTemperature logτ
     * @param symmetric whether the loss averages both directions
     * @param anchorTrains whether Z_i takes a gradient (false when it is detached): its part is left out
     * @return a detached scalar
     */
    public static NDArray infoNceGradientNorm(NDArray zi, NDArray zj, NDArray logTemperature, boolean symmetric,
            boolean anchorTrains) {
        NDArray a = zi.stopGradient();
        NDArray c = zj.stopGradient();
        long b = a.getShape().get(0);
        NDArray invTau = logTemperature.stopGradient().neg().exp().reshape(1, 1);
        NDArray logits = a.matMul(c.transpose()).mul(invTau);
        NDArray eye = logits.getManager().eye((int) b).toType(logits.getDataType(), false);
        NDArray d = logits.softmax(1).sub(eye);
        if (symmetric) {
            d = Scalars.div(d.add(logits.transpose().softmax(1).sub(eye).transpose()), 2f);
        }
        d = Scalars.div(d, (float) b);
        NDArray gj = d.transpose().matMul(a).mul(invTau);
        NDArray squared = gj.square().sum();
        if (anchorTrains) {
            squared = squared.add(d.matMul(c).mul(invTau).square().sum());
        }
        return squared.sqrt();
    }

    /**
     * The balancing factor min(‖∇CE‖ / ‖∇term‖, {@link #MAX_GRAD_NORM_SCALE}).
     *
     * @param crossEntropy ‖∇CE‖
     * @param term ‖∇term‖
     * @return a detached scalar
     */
    public static NDArray gradNormScale(NDArray crossEntropy, NDArray term) {
        return Scalars.minimum(crossEntropy.div(Scalars.maximum(term, EPS)), MAX_GRAD_NORM_SCALE).stopGradient();
    }

    /**
     * A first-step value usable as a divisor: the value itself, or 1 when it is not a finite number above 1e-8 (a
     * term that starts at zero is left unscaled).
     *
     * @param value the term's first value
     * @return the divisor
     */
    public static double usableInitial(float value) {
        return Float.isFinite(value) && value > 1e-8f ? value : 1.0;
    }

    private static NDArray frobenius(NDArray g) {
        return g.square().sum().sqrt();
    }
}
