package dev.perennial.samples.sweep.report;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The mean of a sample with its sample standard deviation and a two-sided 95 % confidence interval from Student's t
 * distribution: {@code mean ± t(0.975, n − 1) · s / √n} (the interval assumes the values are roughly normal; with the
 * 3-5 seeds of a sweep, t's heavy tails make it wide, as it should be).
 *
 * @param n the number of values
 * @param mean their mean (NaN when n = 0)
 * @param std the sample standard deviation, n − 1 in the denominator (NaN when n &lt; 2)
 * @param low the interval's lower end (NaN when n &lt; 2)
 * @param high the interval's upper end (NaN when n &lt; 2)
 */
public record MeanInterval(int n, double mean, double std, double low, double high) {
    /** The interval's coverage. */
    public static final double LEVEL = 0.95;

    /**
     * The summary of the finite values (NaN and infinities, i.e. not measured, are left out).
     *
     * @param values the values
     * @return mean, std and interval
     */
    public static MeanInterval of(double[] values) {
        double[] v = java.util.Arrays.stream(values).filter(Double::isFinite).toArray();
        int n = v.length;
        if (n == 0) {
            return new MeanInterval(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= n;
        if (n == 1) {
            return new MeanInterval(1, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        double half = tQuantile(n - 1) * std / Math.sqrt(n);
        return new MeanInterval(n, mean, std, mean - half, mean + half);
    }

    /**
     * The two-sided 95 % quantile of Student's t with the given degrees of freedom.
     *
     * @param degreesOfFreedom at least 1
     * @return t(0.975, df)
     */
    static double tQuantile(int degreesOfFreedom) {
        return new TDistribution(null, degreesOfFreedom).inverseCumulativeProbability(0.5 + LEVEL / 2);
    }
}
