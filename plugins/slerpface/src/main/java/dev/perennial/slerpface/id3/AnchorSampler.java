package dev.perennial.slerpface.id3;

import java.util.Random;

/**
 * Identity anchors for dataset synthesis (spec deepfake.md E.2, inter-class diversity): N unit vectors on
 * S^{d−1} whose pairwise cosines are all at most a threshold. Greedy rejection sampling: draw a uniform point on
 * the sphere (a normalised Gaussian vector), keep it when its cosine to every kept anchor is ≤ the threshold, until
 * N are kept or a budget of draws is spent. Deterministic under the seed (one {@link Random} stream). The paper's
 * anchor generation is not published (UNVERIFIED); this is the simplest procedure with the stated property.
 *
 * @param dimension d ≥ 2
 * @param maxCosine the largest pairwise cosine allowed, in (−1, 1]
 * @param maxDraws the draw budget, ≥ 1
 */
public record AnchorSampler(int dimension, double maxCosine, int maxDraws) {

    /** Validates. */
    public AnchorSampler {
        if (dimension < 2 || !(maxCosine > -1 && maxCosine <= 1) || maxDraws < 1) {
            throw new IllegalArgumentException("id3 anchors: need dimension >= 2, maxCosine in (-1, 1] and "
                    + "maxDraws >= 1; got " + dimension + ", " + maxCosine + ", " + maxDraws);
        }
    }

    /**
     * Draws the anchors.
     *
     * @param count N ≥ 1
     * @param seed the seed
     * @return N unit vectors, (N, d)
     * @throws IllegalArgumentException when N anchors cannot be placed at the threshold within the budget (the
     *     message says how many were placed and what to change)
     */
    public float[][] sample(int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("id3 anchors: count must be >= 1, was " + count);
        }
        Random random = new Random(seed);
        double[][] kept = new double[count][];
        int n = 0;
        for (int draw = 0; draw < maxDraws && n < count; draw++) {
            double[] v = new double[dimension];
            double norm = 0;
            for (int i = 0; i < dimension; i++) {
                v[i] = random.nextGaussian();
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dimension; i++) {
                v[i] /= norm;
            }
            boolean ok = true;
            for (int j = 0; j < n && ok; j++) {
                double c = 0;
                for (int i = 0; i < dimension; i++) {
                    c += kept[j][i] * v[i];
                }
                ok = c <= maxCosine;
            }
            if (ok) {
                kept[n++] = v;
            }
        }
        if (n < count) {
            throw new IllegalArgumentException("id3 anchors: only " + n + " of " + count + " identities fit on the "
                    + dimension + "-d sphere with pairwise cosine <= " + maxCosine + " in " + maxDraws
                    + " draws; lower the identity count or raise anchorMaxCosine");
        }
        float[][] out = new float[count][dimension];
        for (int j = 0; j < count; j++) {
            for (int i = 0; i < dimension; i++) {
                out[j][i] = (float) kept[j][i];
            }
        }
        return out;
    }
}
