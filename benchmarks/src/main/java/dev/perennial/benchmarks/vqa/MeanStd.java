package dev.perennial.benchmarks.vqa;

import java.util.List;
import java.util.Locale;

/**
 * The mean and the sample standard deviation (divisor n − 1) of one number over seeds.
 *
 * @param mean the mean; NaN when a value is NaN (a cell that was not evaluated in some seed) or there is none
 * @param std the sample standard deviation; NaN for fewer than two values or when a value is NaN
 * @param n how many values
 */
public record MeanStd(double mean, double std, int n) {

    /**
     * Aggregates values.
     *
     * @param values one value per seed
     * @return their mean and sample standard deviation
     */
    public static MeanStd of(double... values) {
        int n = values.length;
        if (n == 0) {
            return new MeanStd(Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n < 2 || Double.isNaN(mean)) {
            return new MeanStd(mean, Double.NaN, n);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new MeanStd(mean, Math.sqrt(squares / (n - 1)), n);
    }

    /**
     * Aggregates matrices cell by cell (e.g. the accuracy matrices of several seeds); rows may differ in length
     * (lower-triangular matrices) but every matrix must have the same shape.
     *
     * @param matrices one matrix per seed
     * @return the per-cell mean and sample standard deviation
     * @throws IllegalArgumentException when the list is empty or the shapes differ, naming the seed position
     */
    public static MeanStd[][] ofMatrices(List<double[][]> matrices) {
        if (matrices.isEmpty()) {
            throw new IllegalArgumentException("no matrices to aggregate");
        }
        double[][] first = matrices.get(0);
        for (int s = 1; s < matrices.size(); s++) {
            double[][] m = matrices.get(s);
            boolean same = m.length == first.length;
            for (int r = 0; same && r < m.length; r++) {
                same = m[r].length == first[r].length;
            }
            if (!same) {
                throw new IllegalArgumentException("matrix " + s + " has another shape than matrix 0; every seed"
                        + " must train and evaluate the same tasks");
            }
        }
        MeanStd[][] out = new MeanStd[first.length][];
        for (int r = 0; r < first.length; r++) {
            out[r] = new MeanStd[first[r].length];
            for (int c = 0; c < first[r].length; c++) {
                double[] cell = new double[matrices.size()];
                for (int s = 0; s < cell.length; s++) {
                    cell[s] = matrices.get(s)[r][c];
                }
                out[r][c] = of(cell);
            }
        }
        return out;
    }

    /**
     * {@code mean ± std} with four decimals ({@code mean} alone for one value, {@code –} for NaN).
     *
     * @return the text
     */
    public String format() {
        if (Double.isNaN(mean)) {
            return "–";
        }
        if (Double.isNaN(std)) {
            return String.format(Locale.ROOT, "%.4f", mean);
        }
        return String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
    }
}
