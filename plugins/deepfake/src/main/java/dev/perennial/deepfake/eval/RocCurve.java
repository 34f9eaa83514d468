package dev.perennial.deepfake.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The ROC curve of binary detection scores and the scalar metrics read from it, as DeepfakeBench's
 * {@code training/metrics/utils.py::get_test_metrics} computes them (specs/deepfake.md §C.3).
 *
 * <p>Points are taken at every distinct score, highest first, after the point (0, 0) of threshold +∞:
 * <pre>
 * TPR(τ) = #{n : p_n ≥ τ, y_n = 1} / P,   FPR(τ) = #{n : p_n ≥ τ, y_n = 0} / N
 * </pre>
 * Tied scores form one point, so the trapezoid under the curve equals the Mann–Whitney statistic
 * Pr(p_pos &gt; p_neg) + ½·Pr(p_pos = p_neg). scikit-learn's {@code roc_curve}, which DeepfakeBench calls with its
 * default {@code drop_intermediate=True}, drops collinear points ({@link #droppingIntermediate()}); that changes
 * neither the AUC nor the interpolated curve, but it can change the nearest-point EER (a flat stretch of the curve
 * loses its inner points), so {@link #eerNearestPoint()} uses the dropped curve, as DeepfakeBench does.
 *
 * @param fpr false-positive rates, non-decreasing from 0 to 1
 * @param tpr true-positive rates, non-decreasing from 0 to 1
 * @param thresholds the threshold of each point ({@code +∞} first)
 * @param positives P, the number of fakes
 * @param negatives N, the number of reals
 */
public record RocCurve(double[] fpr, double[] tpr, double[] thresholds, int positives, int negatives) {

    /** Copies the arrays. */
    public RocCurve {
        fpr = fpr.clone();
        tpr = tpr.clone();
        thresholds = thresholds.clone();
    }

    /**
     * Builds the curve.
     *
     * @param scores p_n, the fake score of each sample (any finite real; only the order matters)
     * @param fake y_n, whether each sample is fake
     * @return the curve
     * @throws IllegalArgumentException when the lengths differ, a score is not finite, or one class is absent
     *     (the AUC is undefined; see {@link DetectionScores#hasBothClasses()})
     */
    public static RocCurve of(double[] scores, boolean[] fake) {
        if (scores.length != fake.length) {
            throw new IllegalArgumentException("ROC: " + scores.length + " scores but " + fake.length + " labels");
        }
        int p = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("ROC: score " + i + " is " + scores[i] + "; scores must be finite");
            }
            if (fake[i]) {
                p++;
            }
        }
        int n = scores.length - p;
        if (p == 0 || n == 0) {
            throw new IllegalArgumentException("ROC: need both real and fake samples; got " + p + " fake and " + n
                    + " real");
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        double[] f = new double[scores.length + 1];
        double[] t = new double[scores.length + 1];
        double[] th = new double[scores.length + 1];
        th[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        int tp = 0;
        int fp = 0;
        int k = 0;
        while (k < order.length) {
            double s = scores[order[k]];
            // All samples tied at s cross the threshold together: one ROC point.
            while (k < order.length && scores[order[k]] == s) {
                if (fake[order[k]]) {
                    tp++;
                } else {
                    fp++;
                }
                k++;
            }
            f[points] = (double) fp / n;
            t[points] = (double) tp / p;
            th[points] = s;
            points++;
        }
        return new RocCurve(Arrays.copyOf(f, points), Arrays.copyOf(t, points), Arrays.copyOf(th, points), p, n);
    }

    @Override
    public double[] fpr() {
        return fpr.clone();
    }

    @Override
    public double[] tpr() {
        return tpr.clone();
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    /**
     * The area under the curve by the trapezoid rule (equals the Mann–Whitney statistic with ties counted ½).
     *
     * @return the AUC in [0, 1]
     */
    public double auc() {
        double area = 0;
        for (int j = 1; j < fpr.length; j++) {
            area += (fpr[j] - fpr[j - 1]) * (tpr[j] + tpr[j - 1]) / 2;
        }
        return area;
    }

    /**
     * The curve as scikit-learn's {@code roc_curve(drop_intermediate=True)} returns it: the point (0, 0), the first
     * and last threshold points, and every threshold point where the second difference of the false- or
     * true-positive counts is not zero (points on a straight stretch are dropped).
     *
     * @return the reduced curve
     */
    public RocCurve droppingIntermediate() {
        int m = fpr.length - 1; // threshold points 1..m
        boolean[] keep = new boolean[fpr.length];
        keep[0] = true;
        for (int i = 1; i <= m; i++) {
            if (i == 1 || i == m) {
                keep[i] = true;
                continue;
            }
            double fp2 = Math.rint((fpr[i + 1] - 2 * fpr[i] + fpr[i - 1]) * negatives);
            double tp2 = Math.rint((tpr[i + 1] - 2 * tpr[i] + tpr[i - 1]) * positives);
            keep[i] = fp2 != 0 || tp2 != 0;
        }
        int n = 0;
        for (boolean k : keep) {
            n += k ? 1 : 0;
        }
        double[] f = new double[n];
        double[] t = new double[n];
        double[] th = new double[n];
        int j = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                f[j] = fpr[i];
                t[j] = tpr[i];
                th[j] = thresholds[i];
                j++;
            }
        }
        return new RocCurve(f, t, th, positives, negatives);
    }

    /**
     * DeepfakeBench's equal error rate: on scikit-learn's curve ({@link #droppingIntermediate()}), the FPR at the
     * point where |FNR − FPR| is smallest, FNR = 1 − TPR (first such point in threshold order, as
     * {@code numpy.nanargmin}).
     *
     * @return the nearest-point EER
     */
    public double eerNearestPoint() {
        RocCurve c = droppingIntermediate();
        double[] fpr = c.fpr;
        double[] tpr = c.tpr;
        int best = 0;
        double gap = Double.POSITIVE_INFINITY;
        for (int j = 0; j < fpr.length; j++) {
            double d = Math.abs((1 - tpr[j]) - fpr[j]);
            if (d < gap) {
                gap = d;
                best = j;
            }
        }
        return fpr[best];
    }

    /**
     * DiffusionFake's equal error rate: the root x* on [0, 1] of 1 − x − TPR_lin(x), with TPR_lin the linear
     * interpolation of the ROC (scipy {@code brentq} over {@code interp1d}); here solved exactly on the segment
     * where the sign changes. Where the curve has a vertical step at x*, the step's x is the root.
     *
     * @return the interpolated EER
     */
    public double eerInterpolated() {
        // g(x) = 1 − x − TPR_lin(x) is decreasing; g(0) = 1 − TPR(0) ≥ 0, g(1) = −TPR(1) + 0 ≤ 0.
        for (int j = 1; j < fpr.length; j++) {
            double x0 = fpr[j - 1];
            double x1 = fpr[j];
            double g0 = 1 - x0 - tpr[j - 1];
            double g1 = 1 - x1 - tpr[j];
            if (g0 >= 0 && g1 <= 0) {
                if (x1 == x0) {
                    return x0;
                }
                // On this segment TPR is linear in x, so g is linear: solve g0 + (g1 − g0)·s = 0.
                double s = g0 == g1 ? 0 : g0 / (g0 - g1);
                return x0 + s * (x1 - x0);
            }
        }
        return fpr[fpr.length - 1];
    }

    /**
     * Average precision as scikit-learn's {@code average_precision_score}: Σ_n (R_n − R_{n−1})·P_n over the
     * distinct thresholds from high to low, without interpolation.
     *
     * @return the AP in [0, 1]
     */
    public double averagePrecision() {
        double ap = 0;
        for (int j = 1; j < fpr.length; j++) {
            double tp = Math.rint(tpr[j] * positives);
            double fp = Math.rint(fpr[j] * negatives);
            double precision = tp + fp == 0 ? 1 : tp / (tp + fp);
            ap += (tpr[j] - tpr[j - 1]) * precision;
        }
        return ap;
    }
}
