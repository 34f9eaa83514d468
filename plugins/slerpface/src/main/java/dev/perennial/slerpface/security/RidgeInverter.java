package dev.perennial.slerpface.security;

import dev.perennial.slerpface.GroupedTemplate;
import java.util.Arrays;
import java.util.List;

/**
 * The learned inversion attacker of spec §7(b): ridge regression {@code W = (XᵀX + λI)⁻¹ XᵀY} (with a bias
 * column) from protected templates X to raw templates Y, trained on pairs the attacker collected; the
 * prediction for a leaked protected template is its reconstruction. Solved by Cholesky in double precision.
 */
public final class RidgeInverter {

    private final double[][] weights;

    private RidgeInverter(double[][] weights) {
        this.weights = weights;
    }

    /**
     * The ridge attacker as an {@link InversionAttack} named {@code ridge}: regresses the raw group features on the
     * leaked protected values of the attacker's pairs; a reconstruction carries uniform group weights {@code 1/m}
     * (the attacker does not regress the attention map).
     *
     * @param lambda the ridge penalty, > 0
     * @return the attack
     */
    public static InversionAttack attack(double lambda) {
        return new InversionAttack() {
            @Override
            public String name() {
                return "ridge";
            }

            @Override
            public Inverter fit(List<LeakedPair> pairs) {
                if (pairs.isEmpty()) {
                    throw new IllegalArgumentException("ridge inverter: the attacker has no training pairs");
                }
                double[][] x = new double[pairs.size()][];
                double[][] y = new double[pairs.size()][];
                for (int r = 0; r < x.length; r++) {
                    x[r] = toDouble(pairs.get(r).leaked().values());
                    y[r] = pairs.get(r).raw().features();
                }
                RidgeInverter fitted = RidgeInverter.fit(x, y, lambda);
                int groupSize = pairs.get(0).raw().groupSize();
                return leaked -> {
                    double[] features = fitted.predict(toDouble(leaked.values()));
                    double[] weights = new double[features.length / groupSize];
                    Arrays.fill(weights, 1.0 / weights.length);
                    return new GroupedTemplate(features, weights, groupSize);
                };
            }
        };
    }

    static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j];
        }
        return out;
    }

    /**
     * Fits the regression.
     *
     * @param inputs protected templates, one row per pair
     * @param targets raw templates, one row per pair
     * @param lambda the ridge penalty, > 0
     * @return the fitted attacker
     * @throws IllegalArgumentException when the rows do not pair up or λ ≤ 0
     */
    public static RidgeInverter fit(double[][] inputs, double[][] targets, double lambda) {
        if (inputs.length == 0 || inputs.length != targets.length || !(lambda > 0)) {
            throw new IllegalArgumentException("ridge inverter: need as many input rows as target rows (>0) and"
                    + " lambda > 0; got " + inputs.length + ", " + targets.length + ", " + lambda);
        }
        int p = inputs[0].length + 1;
        int q = targets[0].length;
        double[][] gram = new double[p][p];
        double[][] cross = new double[p][q];
        double[] x = new double[p];
        for (int r = 0; r < inputs.length; r++) {
            System.arraycopy(inputs[r], 0, x, 0, p - 1);
            x[p - 1] = 1;
            for (int a = 0; a < p; a++) {
                double xa = x[a];
                if (xa == 0) {
                    continue;
                }
                for (int b = a; b < p; b++) {
                    gram[a][b] += xa * x[b];
                }
                for (int c = 0; c < q; c++) {
                    cross[a][c] += xa * targets[r][c];
                }
            }
        }
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < a; b++) {
                gram[a][b] = gram[b][a];
            }
            gram[a][a] += lambda;
        }
        double[][] l = cholesky(gram);
        double[][] w = new double[p][q];
        double[] column = new double[p];
        for (int c = 0; c < q; c++) {
            for (int a = 0; a < p; a++) {
                column[a] = cross[a][c];
            }
            double[] solved = solve(l, column);
            for (int a = 0; a < p; a++) {
                w[a][c] = solved[a];
            }
        }
        return new RidgeInverter(w);
    }

    /**
     * The reconstruction of one protected template.
     *
     * @param input the protected template
     * @return the predicted raw template
     */
    public double[] predict(double[] input) {
        int p = weights.length;
        int q = weights[0].length;
        double[] out = new double[q];
        for (int a = 0; a < p; a++) {
            double xa = a == p - 1 ? 1 : input[a];
            if (xa == 0) {
                continue;
            }
            for (int c = 0; c < q; c++) {
                out[c] += xa * weights[a][c];
            }
        }
        return out;
    }

    private static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalStateException("ridge inverter: the regularised Gram matrix is not positive"
                                + " definite; raise lambda");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    /** Solves {@code L·Lᵀ·x = b}. */
    private static double[] solve(double[][] l, double[] b) {
        int n = b.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
