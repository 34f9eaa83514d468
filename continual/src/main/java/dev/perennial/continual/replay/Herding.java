package dev.perennial.continual.replay;

/**
 * iCaRL's herding selection of exemplars (Rebuffi et al. CVPR 2017, Alg. 4; specs/replay.md §3.3): with
 * μ = mean of the features v_i and S the sum of those chosen so far,
 * {@code i*_k = argmin over i not chosen of ‖μ − (v_i + S)/k‖₂}, k = 1..m. The result is ordered: keeping its
 * first m' entries equals selecting m' directly (reduction keeps prefixes). Ties go to the lowest index; the
 * caller normalises the features (iCaRL: L2, in evaluation mode) before calling.
 */
final class Herding {
    private Herding() {}

    /**
     * Selects {@code min(m, n)} distinct indices in herding order.
     *
     * @param features n feature vectors of equal length
     * @param m how many to select, >= 0
     * @return indices into {@code features}, in selection order
     */
    static int[] select(float[][] features, int m) {
        int n = features.length;
        int k = Math.min(m, n);
        if (k == 0) {
            return new int[0];
        }
        int d = features[0].length;
        double[] mu = new double[d];
        for (float[] v : features) {
            for (int j = 0; j < d; j++) {
                mu[j] += v[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        double[] sum = new double[d];
        boolean[] chosen = new boolean[n];
        int[] out = new int[k];
        for (int step = 1; step <= k; step++) {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (chosen[i]) {
                    continue;
                }
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = mu[j] - (features[i][j] + sum[j]) / step;
                    dist += diff * diff;
                }
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best = i;
                }
            }
            chosen[best] = true;
            out[step - 1] = best;
            for (int j = 0; j < d; j++) {
                sum[j] += features[best][j];
            }
        }
        return out;
    }

    /**
     * L2-normalises a feature vector as PyCIL does, {@code v / (‖v‖ + 1e-8)}.
     *
     * @param v the vector
     * @return a normalised copy
     */
    static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        double s = Math.sqrt(norm) + 1e-8;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / s);
        }
        return out;
    }
}
