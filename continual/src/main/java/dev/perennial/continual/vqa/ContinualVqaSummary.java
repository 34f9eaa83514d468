package dev.perennial.continual.vqa;

/**
 * Avg.ACC, Forgetting and New.ACC of an accuracy matrix a[k][i] = accuracy on task i after training task k
 * (spec llaca.md §2.7; standard MCIT definitions, UNVERIFIED as to LLaCA's exact equations).
 *
 * @param averageAccuracy (1/T) Σ_i a[T−1][i]
 * @param forgetting (1/(T−1)) Σ_{i<T−1} (reference_i − a[T−1][i]); NaN for one task
 * @param newAccuracy (1/T) Σ_i a[i][i]
 * @param variant which reference the forgetting used
 */
public record ContinualVqaSummary(double averageAccuracy, double forgetting, double newAccuracy,
                                  ForgettingVariant variant) {

    /** The two common forgetting definitions (spec §7.7). */
    public enum ForgettingVariant {
        /** reference_i = max_{k ∈ [i, T−2]} a[k][i] (the spec's main form). */
        MAX_EARLIER,
        /** reference_i = a[i][i], the accuracy just after learning task i. */
        DIAGONAL
    }

    /**
     * Computes the summary; only the lower triangle (k ≥ i) is read.
     *
     * @param a the T×T (or lower-triangular) accuracy matrix
     * @param variant the forgetting definition
     * @return the summary
     * @throws IllegalArgumentException when a row is shorter than its index + 1
     */
    public static ContinualVqaSummary of(double[][] a, ForgettingVariant variant) {
        int t = a.length;
        for (int k = 0; k < t; k++) {
            if (a[k].length < k + 1) {
                throw new IllegalArgumentException("accuracy matrix row " + k + " has " + a[k].length
                        + " entries; it needs at least " + (k + 1));
            }
        }
        double avg = 0;
        double fresh = 0;
        for (int i = 0; i < t; i++) {
            avg += a[t - 1][i];
            fresh += a[i][i];
        }
        double forgetting = Double.NaN;
        if (t > 1) {
            double sum = 0;
            for (int i = 0; i < t - 1; i++) {
                double reference = a[i][i];
                if (variant == ForgettingVariant.MAX_EARLIER) {
                    for (int k = i; k <= t - 2; k++) {
                        reference = Math.max(reference, a[k][i]);
                    }
                }
                sum += reference - a[t - 1][i];
            }
            forgetting = sum / (t - 1);
        }
        return new ContinualVqaSummary(avg / t, forgetting, fresh / t, variant);
    }
}
