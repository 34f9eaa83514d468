package dev.perennial.continual.mcit;

/**
 * MCITlib's metrics of an accuracy matrix (spec mcit.md §4; names from MCITlib, formulas the usual continual-learning
 * ones, UNVERIFIED against arXiv 2508.07307). With a[t][i] the score on task i after training task t (0-based,
 * T tasks, lower triangle):
 * <pre>
 * MFT = (1/T) Σ_i a[i][i]                          mean fine-tune accuracy (= CoIN's New.ACC)
 * MFN = (1/T) Σ_i a[T−1][i]                        mean final accuracy (= CoIN's Avg.ACC)
 * MAA = (1/T) Σ_t (1/(t+1)) Σ_{i≤t} a[t][i]        mean average accuracy over the sequence
 * BWT = (1/(T−1)) Σ_{i&lt;T−1} (a[T−1][i] − a[i][i])   backward transfer (negative = forgetting; NaN for T = 1)
 * </pre>
 * BWT = T/(T−1) · (MFN − MFT), and BWT = −(CoIN's forgetting with a[i][i] as the reference).
 *
 * @param mft mean fine-tune accuracy
 * @param mfn mean final accuracy
 * @param maa mean average accuracy
 * @param bwt backward transfer
 */
public record McitMetrics(double mft, double mfn, double maa, double bwt) {

    /**
     * Computes the metrics; only the lower triangle (i ≤ t) is read.
     *
     * @param a the accuracy matrix, row t holding at least t + 1 scores
     * @return the metrics
     * @throws IllegalArgumentException when the matrix is empty, or an entry of the lower triangle is missing or
     *     NaN (spec M12: a missing evaluation is an error, not 0), naming the row and column
     */
    public static McitMetrics of(double[][] a) {
        int t = a.length;
        if (t == 0) {
            throw new IllegalArgumentException("accuracy matrix: no rows");
        }
        for (int k = 0; k < t; k++) {
            if (a[k] == null || a[k].length < k + 1) {
                throw new IllegalArgumentException("accuracy matrix row " + k + " has "
                        + (a[k] == null ? 0 : a[k].length) + " entries; after task " + k + " tasks 0.." + k
                        + " must be evaluated");
            }
            for (int i = 0; i <= k; i++) {
                if (Double.isNaN(a[k][i])) {
                    throw new IllegalArgumentException("accuracy matrix entry [" + k + "][" + i + "] is missing"
                            + " (NaN); every task <= t must be evaluated after task t");
                }
            }
        }
        double mft = 0;
        double mfn = 0;
        double maa = 0;
        for (int k = 0; k < t; k++) {
            mft += a[k][k];
            mfn += a[t - 1][k];
            double row = 0;
            for (int i = 0; i <= k; i++) {
                row += a[k][i];
            }
            maa += row / (k + 1);
        }
        double bwt = Double.NaN;
        if (t > 1) {
            double sum = 0;
            for (int i = 0; i < t - 1; i++) {
                sum += a[t - 1][i] - a[i][i];
            }
            bwt = sum / (t - 1);
        }
        return new McitMetrics(mft / t, mfn / t, maa / t, bwt);
    }
}
