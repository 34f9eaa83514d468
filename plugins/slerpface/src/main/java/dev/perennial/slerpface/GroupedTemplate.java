package dev.perennial.slerpface;

import java.util.Arrays;

/**
 * A face template as SlerpFace sees it: {@code m} groups of {@code d} features and one weight per group
 * (spec §1.1–1.2: the 16×7×7 group feature map and the softmax attention map).
 *
 * @param features {@code m × d} values, row-major (group i at {@code [i·d, (i+1)·d)})
 * @param weights {@code m} group weights {@code w_i ≥ 0}, summing to 1
 * @param groupSize d
 */
public record GroupedTemplate(double[] features, double[] weights, int groupSize) {

    /** Tolerance on {@code Σ w_i = 1}: float32 softmax outputs sum to 1 within ~1e-6 per 49 terms. */
    static final double WEIGHT_SUM_TOLERANCE = 1e-3;

    /** Copies and validates the arrays. */
    public GroupedTemplate {
        features = features.clone();
        weights = weights.clone();
        if (groupSize < 1 || weights.length < 1 || features.length != weights.length * groupSize) {
            throw new IllegalArgumentException("slerpface template: " + features.length + " features do not form "
                    + weights.length + " groups of " + groupSize);
        }
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("slerpface template: group weight " + i + " is " + weights[i]
                        + "; weights must be finite and >= 0 (a softmax attention map)");
            }
            sum += weights[i];
        }
        if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
            throw new IllegalArgumentException("slerpface template: group weights sum to " + sum
                    + "; they must sum to 1 (softmax over the groups)");
        }
        for (int j = 0; j < features.length; j++) {
            if (!Double.isFinite(features[j])) {
                throw new IllegalArgumentException("slerpface template: feature " + j + " is " + features[j]
                        + "; features must be finite");
            }
        }
    }

    /**
     * Reads the protector's flat layout: {@code m·d} features, optionally followed by {@code m} weights; without
     * weights every group weighs {@code 1/m}.
     *
     * @param values the flat template
     * @param config gives m and d
     * @param what names the argument in error messages (e.g. {@code "probe"})
     * @return the template
     * @throws IllegalArgumentException naming the lengths that are accepted
     */
    public static GroupedTemplate fromFlat(float[] values, SlerpFaceConfig config, String what) {
        int m = config.groups();
        int d = config.groupSize();
        if (values == null || (values.length != m * d && values.length != m * (d + 1))) {
            throw new IllegalArgumentException("slerpface: " + what + " has " + (values == null ? "no" : values.length)
                    + " values; expected groups*groupSize = " + (m * d) + " (features only, uniform weights) or "
                    + (m * (d + 1)) + " (features followed by the " + m + " group weights)");
        }
        double[] features = new double[m * d];
        for (int j = 0; j < features.length; j++) {
            features[j] = values[j];
        }
        double[] weights = new double[m];
        if (values.length == m * d) {
            Arrays.fill(weights, 1.0 / m);
        } else {
            for (int i = 0; i < m; i++) {
                weights[i] = values[m * d + i];
            }
        }
        try {
            return new GroupedTemplate(features, weights, d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("slerpface template", "slerpface: " + what), e);
        }
    }

    /**
     * The flat layout {@link #fromFlat} reads: features then weights.
     *
     * @return {@code m·(d+1)} values
     */
    public float[] toFlat() {
        float[] out = new float[features.length + weights.length];
        for (int j = 0; j < features.length; j++) {
            out[j] = (float) features[j];
        }
        for (int i = 0; i < weights.length; i++) {
            out[features.length + i] = (float) weights[i];
        }
        return out;
    }

    /**
     * The number of groups m.
     *
     * @return m
     */
    public int groups() {
        return weights.length;
    }

    /**
     * A copy of group i.
     *
     * @param i the group
     * @return its d features
     */
    public double[] group(int i) {
        return Arrays.copyOfRange(features, i * groupSize, (i + 1) * groupSize);
    }

    @Override
    public double[] features() {
        return features.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupedTemplate t && t.groupSize == groupSize && Arrays.equals(t.features, features)
                && Arrays.equals(t.weights, weights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "GroupedTemplate[" + groups() + "x" + groupSize + "]";
    }
}
