package dev.perennial.deepfake.curriculum;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * The sampling rule of the curriculum (specs/deepfake.md §A.1.3, DIHCL form):
 * <pre>
 * u_i = FQS_i / mean_j FQS_j
 * p_i = exp(τ·u_i − max_j τ·u_j) / Σ_j exp(τ·u_j − max_j τ·u_j)
 * </pre>
 * and a draw of m samples without replacement with probabilities p (sequential draws, as
 * {@code numpy.random.choice(replace=False, p=p)}; implemented with Efraimidis–Spirakis keys log(U)/p_i, which
 * give the same distribution over ordered subsets).
 */
public final class QualitySampling {
    private QualitySampling() {}

    /**
     * The sampling probabilities.
     *
     * <p>When mean_j FQS_j is not positive (e.g. every score 0 before any loss is seen, or negative cosines) the
     * ratio would flip or divide by zero; then u = FQS − max FQS is used, which keeps the ordering (SDK choice).
     *
     * @param fqs FQS_i of every candidate, finite
     * @param temperature τ ≥ 0; 0 gives the uniform distribution
     * @return p, summing to 1
     * @throws IllegalArgumentException when there are no candidates or a score is not finite
     */
    public static double[] probabilities(double[] fqs, double temperature) {
        int n = fqs.length;
        if (n == 0) {
            throw new IllegalArgumentException("quality-curriculum: no samples to draw from");
        }
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (double f : fqs) {
            if (!Double.isFinite(f)) {
                throw new IllegalArgumentException("quality-curriculum: a quality score is " + f
                        + "; check the static scores file and the per-sample losses");
            }
            sum += f;
            max = Math.max(max, f);
        }
        double mean = sum / n;
        double[] logits = new double[n];
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double u = mean > 0 ? fqs[i] / mean : fqs[i] - max;
            logits[i] = temperature * u;
            top = Math.max(top, logits[i]);
        }
        double z = 0;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[i] - top);
            z += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= z;
        }
        return p;
    }

    /**
     * Draws m distinct positions with probabilities p, in draw order.
     *
     * @param p probabilities (positive entries are drawable)
     * @param m how many, at most the number of positive entries
     * @param random the generator
     * @return positions into p
     */
    public static int[] drawWithoutReplacement(double[] p, int m, SplittableRandom random) {
        int n = p.length;
        double[] keys = new double[n];
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
            // Draw for every entry so one entry's probability never shifts another's random number.
            double u = random.nextDouble();
            keys[i] = p[i] > 0 ? Math.log(Math.max(u, Double.MIN_VALUE)) / p[i] : Double.NEGATIVE_INFINITY;
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> keys[i]).reversed());
        int[] out = new int[Math.min(m, n)];
        for (int k = 0; k < out.length; k++) {
            out[k] = idx[k];
        }
        return out;
    }
}
