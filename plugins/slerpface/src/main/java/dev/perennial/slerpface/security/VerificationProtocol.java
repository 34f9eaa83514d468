package dev.perennial.slerpface.security;

import java.util.Arrays;

/**
 * The verification metrics: the reference's 10-fold accuracy (spec §1.8, {@code gen_sim.py}) and TAR at a
 * fixed FAR (a plain ROC point, spec §3.5).
 */
public final class VerificationProtocol {

    /** Folds of the reference's {@code KFold(n_splits=10, shuffle=False)}. */
    public static final int FOLDS = 10;

    private VerificationProtocol() {}

    /**
     * 10-fold accuracy.
     *
     * @param mean mean test-fold accuracy
     * @param std standard deviation of the fold accuracies (population, as numpy's {@code std})
     * @param falseMatchRate impostor pairs accepted, over all test folds
     * @param falseNonMatchRate genuine pairs rejected, over all test folds
     */
    public record Accuracy(double mean, double std, double falseMatchRate, double falseNonMatchRate) {}

    /**
     * A TAR at FAR point.
     *
     * @param far the requested false accept rate
     * @param tar the share of genuine scores accepted
     * @param threshold the score threshold (accept when {@code score > threshold})
     */
    public record TarAtFar(double far, double tar, double threshold) {}

    /**
     * 10-fold accuracy on a pair list: folds are consecutive blocks (no shuffle); for each fold the
     * threshold on the distance is the one of the grid {0, 0.01, …, 3.99} with the best accuracy on the other
     * nine folds; "same" is predicted when {@code distance < threshold}.
     *
     * @param distances one distance per pair, e.g. {@code arccos(score)/π}
     * @param same true for genuine pairs
     * @return the accuracy
     * @throws IllegalArgumentException when the arrays differ in length or hold fewer than 10 pairs
     */
    public static Accuracy tenFoldAccuracy(double[] distances, boolean[] same) {
        int n = distances.length;
        if (same.length != n || n < FOLDS) {
            throw new IllegalArgumentException("10-fold accuracy needs at least " + FOLDS
                    + " pairs and one label per distance; got " + n + " distances and " + same.length + " labels");
        }
        double[] accuracies = new double[FOLDS];
        long falseMatches = 0;
        long impostors = 0;
        long falseNonMatches = 0;
        long genuines = 0;
        for (int f = 0; f < FOLDS; f++) {
            // sklearn KFold: the first n % 10 folds get one extra sample
            int start = f * (n / FOLDS) + Math.min(f, n % FOLDS);
            int end = start + n / FOLDS + (f < n % FOLDS ? 1 : 0);
            double bestThreshold = 0;
            double bestAccuracy = -1;
            for (int t = 0; t < 400; t++) {
                double threshold = t * 0.01;
                int correct = 0;
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (i >= start && i < end) {
                        continue;
                    }
                    correct += (distances[i] < threshold) == same[i] ? 1 : 0;
                    count++;
                }
                double accuracy = correct / (double) count;
                if (accuracy > bestAccuracy) {
                    bestAccuracy = accuracy;
                    bestThreshold = threshold;
                }
            }
            int correct = 0;
            for (int i = start; i < end; i++) {
                boolean accept = distances[i] < bestThreshold;
                correct += accept == same[i] ? 1 : 0;
                if (same[i]) {
                    genuines++;
                    falseNonMatches += accept ? 0 : 1;
                } else {
                    impostors++;
                    falseMatches += accept ? 1 : 0;
                }
            }
            accuracies[f] = correct / (double) (end - start);
        }
        double mean = Arrays.stream(accuracies).average().orElse(0);
        double variance = Arrays.stream(accuracies).map(a -> (a - mean) * (a - mean)).average().orElse(0);
        return new Accuracy(mean, Math.sqrt(variance), impostors == 0 ? 0 : falseMatches / (double) impostors,
                genuines == 0 ? 0 : falseNonMatches / (double) genuines);
    }

    /**
     * TAR at a FAR: the threshold is the smallest score that at most {@code far · N} impostor scores exceed;
     * TAR is the share of genuine scores above it.
     *
     * @param genuine genuine scores (higher = more alike)
     * @param impostor impostor scores; at least {@code 1/far} of them for the point to be resolved
     * @param far the false accept rate, in (0, 1)
     * @return the ROC point
     * @throws IllegalArgumentException when there are too few impostor scores to resolve the FAR
     */
    public static TarAtFar tarAtFar(double[] genuine, double[] impostor, double far) {
        if (!(far > 0 && far < 1)) {
            throw new IllegalArgumentException("far must be in (0, 1), was " + far);
        }
        if (impostor.length < Math.ceil(1 / far) || genuine.length == 0) {
            throw new IllegalArgumentException("TAR at FAR=" + far + " needs at least " + (long) Math.ceil(1 / far)
                    + " impostor scores and one genuine score; got " + impostor.length + " and " + genuine.length);
        }
        double threshold = thresholdAtFar(impostor, far);
        long accepted = Arrays.stream(genuine).filter(s -> s > threshold).count();
        return new TarAtFar(far, accepted / (double) genuine.length, threshold);
    }

    /**
     * The score threshold at which at most {@code ⌊far·N⌋} impostor scores are strictly above it.
     *
     * @param impostor impostor scores
     * @param far the false accept rate
     * @return the threshold
     */
    public static double thresholdAtFar(double[] impostor, double far) {
        double[] sorted = impostor.clone();
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(far * sorted.length);
        return sorted[sorted.length - 1 - allowed];
    }
}
