package dev.perennial.slerpface.security;

/**
 * The system-level unlinkability score {@code D↔sys} of Gomez-Barrero et al. (IEEE TIFS 2018, the ISO/IEC
 * 30136 / 24745 metric; spec §1.9, definition UNVERIFIED there):
 * <pre>
 * LR(s)   = p(s | mated) / p(s | non-mated)
 * D↔(s)   = max(0, 2·LR(s)·ω / (1 + LR(s)·ω) − 1),   ω = 1
 * D↔sys   = ∫ D↔(s) · p(s | mated) ds                 ∈ [0, 1]   (0 = fully unlinkable)
 * </pre>
 * Mated scores compare protected templates of the same face under two keys; non-mated, of different faces.
 * The densities are histograms over common bins (the original uses kernel density estimates); a bin with
 * mated mass and no non-mated mass has LR = ∞ and D↔ = 1.
 */
public final class Unlinkability {

    private Unlinkability() {}

    /**
     * {@code D↔sys}.
     *
     * @param mated scores of mated pairs
     * @param nonMated scores of non-mated pairs
     * @param bins histogram bins, at least 2
     * @return D↔sys in [0, 1]
     * @throws IllegalArgumentException when a sample is empty or bins &lt; 2
     */
    public static double dSys(double[] mated, double[] nonMated, int bins) {
        if (mated.length == 0 || nonMated.length == 0 || bins < 2) {
            throw new IllegalArgumentException("D<->sys needs mated and non-mated scores and >= 2 bins; got "
                    + mated.length + ", " + nonMated.length + ", " + bins);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] sample : new double[][] {mated, nonMated}) {
            for (double s : sample) {
                lo = Math.min(lo, s);
                hi = Math.max(hi, s);
            }
        }
        if (hi == lo) {
            return 0;
        }
        double[] pm = histogram(mated, lo, hi, bins);
        double[] pn = histogram(nonMated, lo, hi, bins);
        double d = 0;
        for (int b = 0; b < bins; b++) {
            if (pm[b] == 0) {
                continue;
            }
            double local;
            if (pn[b] == 0) {
                local = 1;
            } else {
                double lr = pm[b] / pn[b];
                local = Math.max(0, 2 * lr / (1 + lr) - 1);
            }
            d += local * pm[b];
        }
        return d;
    }

    /** Probability mass per bin (sums to 1). */
    private static double[] histogram(double[] sample, double lo, double hi, int bins) {
        double[] h = new double[bins];
        for (double s : sample) {
            int b = (int) Math.min(bins - 1, Math.floor((s - lo) / (hi - lo) * bins));
            h[b] += 1.0 / sample.length;
        }
        return h;
    }
}
