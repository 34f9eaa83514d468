package dev.perennial.continual.prompt;

import java.util.Random;

/**
 * CODA-Prompt's per-task initialisation (prompts.md §4.2, pitfall 9): the rows of a new task's slice are fresh
 * Gaussian draws made orthogonal to every earlier row and to each other, then unit-normalised.
 *
 * <p>Difference from the official {@code gram_schmidt}: that code subtracts the projections of the draw onto each
 * earlier row separately, which is exact only while the earlier rows are mutually orthogonal; after training they
 * are not. Here the earlier rows are first turned into an orthonormal basis of their span (they themselves are not
 * changed) and the draw is projected out against that basis twice (modified Gram–Schmidt with reorthogonalisation,
 * float64), so property P10 (new rows orthogonal to all earlier rows) holds for trained rows too. A draw whose
 * residual norm is below 1e-8 is redrawn (the official "restart").
 */
public final class GramSchmidt {
    private static final double RESTART = 1e-8;

    private GramSchmidt() {}

    /**
     * New rows orthogonal to {@code earlier}.
     *
     * @param earlier k rows of length n (any, possibly dependent)
     * @param count rows to make
     * @param n row length
     * @param random the source of the Gaussian draws
     * @return count unit rows, orthogonal to each other and to the earlier rows
     * @throws IllegalArgumentException when the rank of the earlier rows plus {@code count} exceeds n
     */
    public static double[][] newRows(double[][] earlier, int count, int n, Random random) {
        double[][] basis = new double[earlier.length + count][];
        int rank = 0;
        for (double[] row : earlier) {
            double[] u = row.clone();
            if (project(u, basis, rank) > RESTART) {
                basis[rank++] = normalized(u);
            }
        }
        if (rank + count > n) {
            throw new IllegalArgumentException("cannot make " + count + " rows of length " + n + " orthogonal to "
                    + rank + " independent earlier rows: at most " + (n - rank) + " fit");
        }
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) {
            double[] u;
            do {
                u = new double[n];
                for (int j = 0; j < n; j++) {
                    u[j] = random.nextGaussian();
                }
            } while (project(u, basis, rank) <= RESTART);
            basis[rank++] = normalized(u);
            out[i] = basis[rank - 1];
        }
        return out;
    }

    /** Projects the basis out of u in place, twice; returns the residual norm. */
    private static double project(double[] u, double[][] basis, int rank) {
        for (int pass = 0; pass < 2; pass++) {
            for (int b = 0; b < rank; b++) {
                double dot = 0;
                for (int j = 0; j < u.length; j++) {
                    dot += u[j] * basis[b][j];
                }
                for (int j = 0; j < u.length; j++) {
                    u[j] -= dot * basis[b][j];
                }
            }
        }
        double norm = 0;
        for (double v : u) {
            norm += v * v;
        }
        return Math.sqrt(norm);
    }

    private static double[] normalized(double[] u) {
        double norm = 0;
        for (double v : u) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        double[] out = new double[u.length];
        for (int j = 0; j < u.length; j++) {
            out[j] = u[j] / norm;
        }
        return out;
    }
}
