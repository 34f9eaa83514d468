package dev.perennial.deepfake.protocol;

import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * DF40's P4 one-vs-all result R_ij (train on method i, test on method j) as a table (specs/deepfake.md §C.2).
 *
 * @param trainMethods the rows
 * @param testMethods the columns
 * @param values R[i][j], e.g. frame AUC
 */
public record TransferMatrix(List<String> trainMethods, List<String> testMethods, double[][] values) {

    /** Copies and checks the shape. */
    public TransferMatrix {
        trainMethods = List.copyOf(trainMethods);
        testMethods = List.copyOf(testMethods);
        double[][] copy = new double[values.length][];
        if (values.length != trainMethods.size()) {
            throw new IllegalArgumentException("transfer matrix: " + values.length + " rows for "
                    + trainMethods.size() + " training methods");
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != testMethods.size()) {
                throw new IllegalArgumentException("transfer matrix: row " + i + " has " + values[i].length
                        + " values for " + testMethods.size() + " test methods");
            }
            copy[i] = values[i].clone();
        }
        values = copy;
    }

    /**
     * Fills the matrix by running every (train, test) cell.
     *
     * @param methods the methods (rows and columns)
     * @param cell R(train, test)
     * @return the matrix
     */
    public static TransferMatrix of(List<String> methods, BiFunction<String, String, Double> cell) {
        double[][] v = new double[methods.size()][methods.size()];
        for (int i = 0; i < methods.size(); i++) {
            for (int j = 0; j < methods.size(); j++) {
                v[i][j] = cell.apply(methods.get(i), methods.get(j));
            }
        }
        return new TransferMatrix(methods, methods, v);
    }

    /**
     * R_ij.
     *
     * @param train the training method
     * @param test the test method
     * @return the value
     */
    public double get(String train, String test) {
        return values[trainMethods.indexOf(train)][testMethods.indexOf(test)];
    }

    /**
     * The mean of each row over the columns other than the training method (the "unseen" average).
     *
     * @param train the training method
     * @return the mean over unseen methods
     */
    public double unseenMean(String train) {
        int i = trainMethods.indexOf(train);
        double sum = 0;
        int n = 0;
        for (int j = 0; j < testMethods.size(); j++) {
            if (!testMethods.get(j).equals(train)) {
                sum += values[i][j];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * A Markdown table, rows = training method, one column per test method and the unseen mean.
     *
     * @return the table
     */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| train \\ test |");
        testMethods.forEach(m -> sb.append(' ').append(m).append(" |"));
        sb.append(" unseen mean |\n|---|");
        testMethods.forEach(m -> sb.append("---|"));
        sb.append("---|\n");
        for (int i = 0; i < trainMethods.size(); i++) {
            sb.append("| ").append(trainMethods.get(i)).append(" |");
            for (double v : values[i]) {
                sb.append(String.format(Locale.ROOT, " %.4f |", v));
            }
            sb.append(String.format(Locale.ROOT, " %.4f |%n", unseenMean(trainMethods.get(i))));
        }
        return sb.toString();
    }

    @Override
    public double[][] values() {
        double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            copy[i] = values[i].clone();
        }
        return copy;
    }
}
