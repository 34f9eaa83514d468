package dev.perennial.continual.ptm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** safe.md §2.5 and §6, S12: the analytic head. */
class RidgeHeadTest {

    private static NDArray randomFeatures(NDManager m, int n, int width, long seed) {
        Random r = new Random(seed);
        float[] h = new float[n * width];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) Math.abs(r.nextGaussian());
        }
        return m.create(h, new Shape(n, width));
    }

    /** Solves (HᵀH + λI) W = HᵀY in double precision by Gauss-Jordan elimination: the reference. */
    private static double[][] closedForm(float[] h, long[] y, int n, int width, int classes, double lambda) {
        double[][] a = new double[width][width + classes];
        for (int i = 0; i < width; i++) {
            for (int j = 0; j < width; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += (double) h[k * width + i] * h[k * width + j];
                }
                a[i][j] = s + (i == j ? lambda : 0);
            }
            for (int k = 0; k < n; k++) {
                a[i][width + (int) y[k]] += h[k * width + i];
            }
        }
        for (int col = 0; col < width; col++) {
            double pivot = a[col][col];
            for (int j = 0; j < width + classes; j++) {
                a[col][j] /= pivot;
            }
            for (int row = 0; row < width; row++) {
                if (row != col) {
                    double f = a[row][col];
                    for (int j = 0; j < width + classes; j++) {
                        a[row][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[][] w = new double[classes][width];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < width; i++) {
                w[c][i] = a[i][width + c];
            }
        }
        return w;
    }

    @Test
    void solutionMatchesTheClosedFormAndSmallLambdaIsLeastSquares() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 12;
            int width = 4;
            int classes = 3;
            NDArray h = randomFeatures(m, n, width, 1);
            long[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
            for (double lambda : new double[] {1e-6, 0.5, 10}) {
                try (RidgeHead head = new RidgeHead(m, width, classes, RidgeHead.Precision.FLOAT64)) {
                    head.accumulate(h, m.create(y));
                    head.solve(lambda);
                    double[][] expected = closedForm(h.toFloatArray(), y, n, width, classes, lambda);
                    float[] got = head.solution().toFloatArray();
                    for (int c = 0; c < classes; c++) {
                        for (int i = 0; i < width; i++) {
                            assertEquals(expected[c][i], got[c * width + i], 1e-4 * (1 + Math.abs(expected[c][i])),
                                    "λ=" + lambda + " W[" + c + "][" + i + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void accumulatingTwoBatchesEqualsTheConcatenation() {
        try (NDManager m = NDManager.newBaseManager();
             RidgeHead split = new RidgeHead(m, 5, 3, RidgeHead.Precision.FLOAT32);
             RidgeHead whole = new RidgeHead(m, 5, 3, RidgeHead.Precision.FLOAT32)) {
            NDArray a = randomFeatures(m, 6, 5, 2);
            NDArray b = randomFeatures(m, 4, 5, 3);
            NDArray ya = m.create(new long[] {0, 1, 2, 0, 1, 2});
            NDArray yb = m.create(new long[] {2, 2, 1, 0});
            split.accumulate(a, ya);
            split.accumulate(b, yb);
            whole.accumulate(a.concat(b, 0), ya.concat(yb, 0));
            assertArrayEquals(whole.gram().toFloatArray(), split.gram().toFloatArray(), 1e-4f);
            assertArrayEquals(whole.targets().toFloatArray(), split.targets().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void lambdaSelectionReadsOnlyItsInputAndPrefersTheBetterFit() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Noise-free targets that are a linear function of the features: the smallest λ fits best.
            int n = 40;
            NDArray h = randomFeatures(m, n, 3, 5);
            float[] hv = h.toFloatArray();
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = hv[3 * i] > hv[3 * i + 1] ? 0 : 1;
            }
            double[] grid = {1e-3, 1e3, 1e8};
            double chosen = RidgeHead.selectLambda(h, m.create(y), 2, grid, 9, RidgeHead.Precision.FLOAT64);
            assertEquals(1e-3, chosen);
            // The same inputs and seed always give the same choice; nothing else is read.
            assertEquals(chosen, RidgeHead.selectLambda(h, m.create(y), 2, grid, 9, RidgeHead.Precision.FLOAT64));
        }
    }

    @Test
    void duplicatedRowsMustShareTheirSideOfTheSplit() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Labels that are pure noise, every row twice (SAFE's pooled slow and fast rows of task 1 coincide), and
            // more random features than images, as with M = 1000 on a task of 1000 images: a small λ interpolates.
            int n = 60;
            int width = 100;
            Random r = new Random(11);
            float[] hv = new float[n * width];
            for (int i = 0; i < hv.length; i++) {
                hv[i] = (float) r.nextGaussian();
            }
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(3);
            }
            NDArray h = m.create(hv, new Shape(n, width));
            NDArray h2 = h.concat(h, 0);
            long[] y2 = new long[2 * n];
            System.arraycopy(y, 0, y2, 0, n);
            System.arraycopy(y, 0, y2, n, n);
            double[] grid = {1e-3, 1e-1, 1e1, 1e3};
            // A split of the rows scores copies of fitted rows: fitting the noise looks better than it is.
            double rowSplit = RidgeHead.selectLambda(h2, m.create(y2), 3, grid, 7, RidgeHead.Precision.FLOAT64);
            assertTrue(rowSplit < 1e3, "row split chose " + rowSplit);
            // A split of the images (both copies on one side) sees that nothing generalises: the largest λ.
            boolean[] images = RidgeHead.splitMask(n, 7);
            boolean[] rows = new boolean[2 * n];
            System.arraycopy(images, 0, rows, 0, n);
            System.arraycopy(images, 0, rows, n, n);
            assertEquals(1e3, RidgeHead.selectLambda(h2, m.create(y2), 3, grid, rows, RidgeHead.Precision.FLOAT64));
            assertThrows(IllegalArgumentException.class, () -> RidgeHead.selectLambda(h2, m.create(y2), 3, grid,
                    new boolean[2 * n], RidgeHead.Precision.FLOAT64));
        }
    }

    /**
     * Issue 17 item 7, by hand: with H = Y (one-hot rows, 5 per class), G = diag(n₀, n₁) and Q = diag(n₀, n₁) on
     * the fitted rows, so W_o = diag(n₀/(n₀+λ), n₁/(n₁+λ)) and a scored row's error is (λ/(n+λ))²: it falls with
     * λ, and each grid's smallest value wins. RanPAC's own grid reaches 10⁻⁸; SAFE's stops at 10³.
     */
    @Test
    void eachLearnerHasItsOwnOfficialGrid() {
        assertEquals(17, RidgeHead.RANPAC_LAMBDAS.length);
        for (int i = 0; i < 17; i++) {
            assertEquals(Math.pow(10, i - 8), RidgeHead.RANPAC_LAMBDAS[i], 1e-12 * Math.pow(10, i - 8));
        }
        assertArrayEquals(new double[] {1e3, 1e4, 1e5, 1e6, 1e7, 1e8}, RidgeHead.SAFE_LAMBDAS);
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 10;
            float[] hv = new float[2 * n];
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = i % 2;
                hv[2 * i + (int) y[i]] = 1f;
            }
            NDArray h = m.create(hv, new Shape(n, 2));
            assertEquals(1e-8, RidgeHead.selectLambda(h, m.create(y), 2, RidgeHead.RANPAC_LAMBDAS, 3,
                    RidgeHead.Precision.FLOAT64));
            assertEquals(1e3, RidgeHead.selectLambda(h, m.create(y), 2, RidgeHead.SAFE_LAMBDAS, 3,
                    RidgeHead.Precision.FLOAT64));
        }
    }

    @Test
    void aHeadSharingStatisticsKeepsItsOwnSolution() {
        try (NDManager m = NDManager.newBaseManager(); RidgeHead owner = new RidgeHead(m, 3, 2,
                RidgeHead.Precision.FLOAT64)) {
            RidgeHead other = RidgeHead.sharing(owner);
            other.accumulate(randomFeatures(m, 6, 3, 1), m.create(new long[] {0, 1, 0, 1, 0, 1}));
            other.solve(1.0);
            float[] before = other.solution().toFloatArray();
            owner.accumulate(randomFeatures(m, 6, 3, 2), m.create(new long[] {1, 1, 0, 0, 1, 0}));
            owner.solve(1.0);
            assertTrue(owner.sharesStatisticsWith(other));
            assertArrayEquals(owner.gram().toDoubleArray(), other.gram().toDoubleArray());
            // The other head still holds its solve on the smaller statistics.
            assertArrayEquals(before, other.solution().toFloatArray());
            assertTrue(Math.abs(before[0] - owner.solution().toFloatArray()[0]) > 1e-6);
            other.solve(1.0);
            assertArrayEquals(owner.solution().toFloatArray(), other.solution().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void theSplitFitsEightyPercent() {
        boolean[] fit = RidgeHead.splitMask(50, 4);
        int count = 0;
        for (boolean f : fit) {
            count += f ? 1 : 0;
        }
        assertEquals(40, count);
    }

    @Test
    void badInputIsRefusedWithTheExpectedShape() {
        try (NDManager m = NDManager.newBaseManager(); RidgeHead head = new RidgeHead(m, 4, 2,
                RidgeHead.Precision.FLOAT32)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> head.accumulate(m.ones(new Shape(3, 5)), m.create(new long[] {0, 1, 0})));
            assertEquals("ridge head: projected features must be (N, 4), got (3, 5)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> head.solve(0));
            assertThrows(IllegalArgumentException.class,
                    () -> head.accumulate(m.ones(new Shape(1, 4)), m.create(new long[] {5})));
        }
    }
}
