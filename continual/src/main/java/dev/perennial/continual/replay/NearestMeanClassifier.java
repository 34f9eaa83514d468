package dev.perennial.continual.replay;

import java.util.Map;
import java.util.TreeMap;

/**
 * iCaRL's nearest-mean-of-exemplars classifier (specs/replay.md §3.4):
 * {@code μ_y = normalise(mean over exemplars p of y of normalise(φ(p)))},
 * {@code ŷ(x) = argmin_y ‖normalise(φ(x)) − μ_y‖²}. Ties go to the lowest class id.
 */
final class NearestMeanClassifier {
    private final TreeMap<Integer, float[]> means = new TreeMap<>();

    /**
     * Sets a class's mean from its exemplars' features (raw; normalised here).
     *
     * @param cls the class
     * @param features the exemplars' features, at least one
     */
    void fit(int cls, float[][] features) {
        means.put(cls, Herding.normalised(meanOfNormalised(features)));
    }

    /**
     * Sets a class's mean from its exemplars' features and their horizontal flips' features (Mammoth's
     * {@code compute_class_means}): {@code normalise((mean_p φ̂(p) + mean_p φ̂(flip p)) / 2)}.
     *
     * @param cls the class
     * @param features the exemplars' features, at least one
     * @param flipped the features of the same exemplars flipped, as many
     * @throws IllegalArgumentException when the two differ in count
     */
    void fit(int cls, float[][] features, float[][] flipped) {
        if (flipped.length != features.length) {
            throw new IllegalArgumentException("icarl: " + features.length + " exemplar features but "
                    + flipped.length + " flipped ones");
        }
        float[] a = meanOfNormalised(features);
        float[] b = meanOfNormalised(flipped);
        for (int j = 0; j < a.length; j++) {
            a[j] = (a[j] + b[j]) / 2;
        }
        means.put(cls, Herding.normalised(a));
    }

    private static float[] meanOfNormalised(float[][] features) {
        int d = features[0].length;
        float[] mean = new float[d];
        for (float[] f : features) {
            float[] v = Herding.normalised(f);
            for (int j = 0; j < d; j++) {
                mean[j] += v[j] / features.length;
            }
        }
        return mean;
    }

    /**
     * Sets a class's mean directly (restoring state).
     *
     * @param cls the class
     * @param mean the normalised mean
     */
    void put(int cls, float[] mean) {
        means.put(cls, mean.clone());
    }

    /**
     * The class means.
     *
     * @return class → normalised mean, by class id
     */
    Map<Integer, float[]> means() {
        Map<Integer, float[]> copy = new TreeMap<>();
        means.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** Forgets every mean. */
    void clear() {
        means.clear();
    }

    /**
     * Whether no class has a mean.
     *
     * @return true when empty
     */
    boolean isEmpty() {
        return means.isEmpty();
    }

    /**
     * Predicts classes.
     *
     * @param features raw features, one row per example
     * @return the nearest class mean's class of each row
     * @throws IllegalStateException when no class has a mean
     */
    /**
     * Scores for a task-aware arg-max: {@code −‖normalise(φ(x)) − μ_c‖²} for classes with a mean, −∞ for the others.
     *
     * @param features raw features, one row per example
     * @param classes the head's class count
     * @return one row of scores per example
     * @throws IllegalStateException when no class has a mean
     */
    float[][] scores(float[][] features, int classes) {
        if (means.isEmpty()) {
            throw new IllegalStateException("icarl: no class means yet; they are computed after each task");
        }
        float[][] out = new float[features.length][classes];
        for (int i = 0; i < features.length; i++) {
            java.util.Arrays.fill(out[i], Float.NEGATIVE_INFINITY);
            float[] v = Herding.normalised(features[i]);
            for (Map.Entry<Integer, float[]> e : means.entrySet()) {
                float[] mu = e.getValue();
                double dist = 0;
                for (int j = 0; j < v.length; j++) {
                    double diff = v[j] - mu[j];
                    dist += diff * diff;
                }
                out[i][e.getKey()] = (float) -dist;
            }
        }
        return out;
    }

    /**
     * Predicts classes.
     *
     * @param features raw features, one row per example
     * @return the nearest class mean's class of each row
     * @throws IllegalStateException when no class has a mean
     */
    long[] predict(float[][] features) {
        if (means.isEmpty()) {
            throw new IllegalStateException("icarl: no class means yet; they are computed after each task");
        }
        long[] out = new long[features.length];
        for (int i = 0; i < features.length; i++) {
            float[] v = Herding.normalised(features[i]);
            double best = Double.POSITIVE_INFINITY;
            int arg = -1;
            for (Map.Entry<Integer, float[]> e : means.entrySet()) {
                float[] mu = e.getValue();
                double dist = 0;
                for (int j = 0; j < v.length; j++) {
                    double diff = v[j] - mu[j];
                    dist += diff * diff;
                }
                if (dist < best) {
                    best = dist;
                    arg = e.getKey();
                }
            }
            out[i] = arg;
        }
        return out;
    }
}
