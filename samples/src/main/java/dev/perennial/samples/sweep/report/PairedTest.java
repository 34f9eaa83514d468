package dev.perennial.samples.sweep.report;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.inference.TTest;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/**
 * A method against the baseline on the seeds both finished: the paired differences {@code d_s = method_s −
 * baseline_s}, their mean with a t interval, and two two-sided paired tests of "no difference" from Apache Commons
 * Math 3.
 *
 * <ul>
 *   <li><b>Paired t-test</b> ({@code TTest.pairedTTest}, t = mean(d) / (s_d / √n), n − 1 degrees of freedom): the
 *       headline test. Seeds are few (3-5 is usual), and it is the test that can reach 5 % with so few pairs; it
 *       assumes the differences are roughly normal.</li>
 *   <li><b>Wilcoxon signed-rank</b> ({@code WilcoxonSignedRankTest}, exact distribution up to 30 pairs, normal
 *       approximation above): no normality assumption. Zero differences are dropped first (Wilcoxon's own rule;
 *       Commons Math would rank them and count them as negative). With m nonzero pairs its smallest possible
 *       two-sided p is 2 / 2^m, 0.0625 at m = 5: below 6 pairs it cannot reach 0.05 whatever the data, which
 *       {@link #wilcoxonCanReach05()} says.</li>
 * </ul>
 *
 * @param n the number of pairs
 * @param difference the differences' mean and 95 % t interval
 * @param tP the paired t-test's two-sided p (NaN when n &lt; 2 or the differences are all equal, to 1e-12)
 * @param wilcoxonP the signed-rank test's two-sided p (NaN when n = 0; 1 when every difference is 0)
 * @param nonZero the pairs with a nonzero difference, the signed-rank test's sample size
 */
public record PairedTest(int n, MeanInterval difference, double tP, double wilcoxonP, int nonZero) {
    /** Above this many nonzero pairs the signed-rank p is the normal approximation, as in Commons Math. */
    static final int EXACT_LIMIT = 30;

    /**
     * Tests paired values.
     *
     * @param method the method's values, one per seed
     * @param baseline the baseline's values, the same seeds in the same order
     * @return the comparison
     * @throws IllegalArgumentException when the lengths differ
     */
    public static PairedTest of(double[] method, double[] baseline) {
        if (method.length != baseline.length) {
            throw new IllegalArgumentException("paired values need the same seeds: " + method.length + " vs "
                    + baseline.length);
        }
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < method.length; i++) {
            if (Double.isFinite(method[i]) && Double.isFinite(baseline[i])) {
                pairs.add(new double[] {method[i], baseline[i]});
            }
        }
        int n = pairs.size();
        double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = x[i] - y[i];
        }
        MeanInterval diff = MeanInterval.of(d);
        // Equal differences (to rounding: scores are sums of float32 results) have no spread: t is ±infinity or 0/0,
        // and its p (0 or NaN) would mislead.
        double scale = 1;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, Math.max(Math.abs(x[i]), Math.abs(y[i])));
        }
        double tP = n >= 2 && diff.std() > 1e-12 * scale ? new TTest().pairedTTest(x, y) : Double.NaN;
        List<double[]> moved = pairs.stream().filter(p -> p[0] != p[1]).toList();
        int m = moved.size();
        double wP;
        if (n == 0) {
            wP = Double.NaN;
        } else if (m == 0) {
            wP = 1;
        } else {
            double[] mx = moved.stream().mapToDouble(p -> p[0]).toArray();
            double[] my = moved.stream().mapToDouble(p -> p[1]).toArray();
            wP = Math.min(1, new WilcoxonSignedRankTest().wilcoxonSignedRankTest(mx, my, m <= EXACT_LIMIT));
        }
        return new PairedTest(n, diff, tP, wP, m);
    }

    /**
     * The smallest two-sided p the exact signed-rank test can give with {@code m} nonzero pairs: every difference of
     * one sign, {@code 2 / 2^m}.
     *
     * @param m nonzero pairs
     * @return the smallest p, at most 1
     */
    public static double smallestWilcoxonP(int m) {
        return m <= 0 ? 1 : Math.min(1, 2 / Math.pow(2, m));
    }

    /**
     * Whether the signed-rank test could have reached p &lt; 0.05 with this many nonzero pairs (at least 6).
     *
     * @return false below 6 nonzero pairs
     */
    public boolean wilcoxonCanReach05() {
        return smallestWilcoxonP(nonZero) < 0.05;
    }

    /**
     * Holm's step-down adjustment of several p values (one family: the comparisons of one metric): the i-th smallest
     * becomes {@code max_{j ≤ i} min(1, (k − j) · p_(j))} with k the number of tests (Holm, 1979). NaN stays NaN
     * and does not count.
     *
     * @param p the raw p values
     * @return the adjusted values, in the input's order
     */
    public static double[] holm(double[] p) {
        Integer[] order = java.util.stream.IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed()
                .sorted((a, b) -> Double.compare(p[a], p[b])).toArray(Integer[]::new);
        double[] out = new double[p.length];
        java.util.Arrays.fill(out, Double.NaN);
        int k = order.length;
        double running = 0;
        for (int j = 0; j < k; j++) {
            running = Math.max(running, Math.min(1, (k - j) * p[order[j]]));
            out[order[j]] = running;
        }
        return out;
    }
}
