package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import java.util.Arrays;
import java.util.Random;

/**
 * The analytic (RanPAC) classifier on randomly projected features (safe.md §2.5):
 *
 * <pre>
 * G ← G + HᵀH        (M×M, accumulated over all tasks)
 * Q ← Q + HᵀY        (M×C, Y one-hot)
 * W_o = ((G + λI)⁻¹ Q)ᵀ
 * </pre>
 *
 * λ comes from {@link #selectLambda}, which sees only the features it is given: the learners pass the current
 * task's training features, never evaluation data. The solve runs in float32 or float64
 * ({@code ridgeSolvePrecision}, safe.md §4); the solution is kept in float32.
 *
 * <p>Two heads can share one pair of statistics ({@link #sharing}): each keeps its own solution and λ, so one can
 * be solved, more rows added, and the other solved on the larger statistics (SAFE's official order, safe.md §2.5).
 */
public final class RidgeHead implements AutoCloseable {

    /** SAFE's grid ({@code SAFE.py optimise_ridge_parameter}: {@code 10.0**np.arange(3,9)}): {10³, 10⁴, …, 10⁸}. */
    public static final double[] SAFE_LAMBDAS = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    /**
     * RanPAC's grid ({@code RanPAC.py optimise_ridge_parameter}: {@code 10.0**np.arange(-8,9)}): the 17 values
     * {10⁻⁸, 10⁻⁷, …, 10⁸}.
     */
    public static final double[] RANPAC_LAMBDAS = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2,
        1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    /** The fraction of the current task's samples the candidate solutions are fitted on (the rest scores them). */
    public static final double FIT_FRACTION = 0.8;

    /** The precision of the accumulated statistics and the solve. */
    public enum Precision {
        /** float32, as the reference code. */
        FLOAT32,
        /** float64, for wide projections where float32 loses digits. */
        FLOAT64;

        DataType dataType() {
            return this == FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
        }
    }

    private final NDManager manager;
    private final int width;
    private final int classes;
    private final Precision precision;
    /** Whose G and Q this head reads and accumulates into: itself, or the head it shares them with. */
    private final RidgeHead statistics;
    private NDArray gram;
    private NDArray targets;
    private NDArray solution;
    private double lambda = Double.NaN;

    /**
     * Creates empty statistics.
     *
     * @param parent where G, Q and the solution live (a sub-manager is made)
     * @param width M
     * @param classes C, every class of the scenario (columns of unseen classes stay zero)
     * @param precision the solve precision
     */
    public RidgeHead(NDManager parent, int width, int classes, Precision precision) {
        if (width <= 0 || classes <= 0) {
            throw new IllegalArgumentException("ridge head: M and C must be positive, were " + width + " and "
                    + classes);
        }
        this.manager = parent.newSubManager();
        this.width = width;
        this.classes = classes;
        this.precision = precision;
        this.statistics = this;
        this.gram = kept(manager.zeros(new Shape(width, width), precision.dataType()));
        this.targets = kept(manager.zeros(new Shape(width, classes), precision.dataType()));
    }

    private RidgeHead(RidgeHead owner) {
        this.manager = owner.manager.newSubManager();
        this.width = owner.width;
        this.classes = owner.classes;
        this.precision = owner.precision;
        this.statistics = owner.statistics;
    }

    /**
     * A head with its own solution and λ over the statistics G, Q of {@code owner}: {@link #accumulate} and
     * {@link #restore} on either head change the one pair both read. Closing the owner frees both.
     *
     * @param owner the head whose statistics are shared
     * @return the new head, unsolved
     */
    public static RidgeHead sharing(RidgeHead owner) {
        return new RidgeHead(owner);
    }

    /** @return whether this head and {@code other} read the same G, Q */
    public boolean sharesStatisticsWith(RidgeHead other) {
        return statistics == other.statistics;
    }

    /** @return M */
    public int width() {
        return width;
    }

    /** @return C */
    public int classes() {
        return classes;
    }

    /** @return G, (M, M) */
    public NDArray gram() {
        return statistics.gram;
    }

    /** @return Q, (M, C) */
    public NDArray targets() {
        return statistics.targets;
    }

    /** @return the λ of the last solve, NaN before */
    public double lambda() {
        return lambda;
    }

    /** @return whether {@link #solve} has run */
    public boolean isSolved() {
        return solution != null;
    }

    /** @return W_o, (C, M) float32 */
    public NDArray solution() {
        if (solution == null) {
            throw new IllegalStateException("the ridge head has not been solved yet");
        }
        return solution;
    }

    /**
     * Adds a block of projected features to G and Q.
     *
     * @param projected H, (N, M)
     * @param labels (N) class ids
     */
    public void accumulate(NDArray projected, NDArray labels) {
        checkWidth(projected);
        if (statistics != this) {
            statistics.accumulate(projected, labels);
            return;
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray h = Owned.copyAs(projected, precision.dataType());
            h.attach(scope);
            NDArray y = oneHot(labels, classes, precision.dataType());
            y.attach(scope);
            NDArray g = gram.add(h.transpose().matMul(h));
            NDArray q = targets.add(h.transpose().matMul(y));
            kept(g).attach(manager);
            kept(q).attach(manager);
            gram.close();
            targets.close();
            gram = g;
            targets = q;
        }
    }

    /**
     * Replaces the statistics (checkpoint restore).
     *
     * @param g (M, M)
     * @param q (M, C)
     */
    public void restore(NDArray g, NDArray q) {
        if (statistics != this) {
            statistics.restore(g, q);
            return;
        }
        if (!g.getShape().equals(gram.getShape()) || !q.getShape().equals(targets.getShape())) {
            throw new IllegalStateException("ridge head state has shapes " + g.getShape() + " and " + q.getShape()
                    + "; expected " + gram.getShape() + " and " + targets.getShape());
        }
        // Real copies: g and q belong to the checkpoint's temporary manager, closed after the restore
        // (toType(same, true) would alias them).
        NDArray g2 = Owned.copyAs(g, precision.dataType());
        NDArray q2 = Owned.copyAs(q, precision.dataType());
        kept(g2).attach(manager);
        kept(q2).attach(manager);
        gram.close();
        targets.close();
        gram = g2;
        targets = q2;
    }

    /**
     * Solves {@code W_o = ((G + λI)⁻¹ Q)ᵀ} from the accumulated statistics.
     *
     * @param newLambda λ &gt; 0
     */
    public void solve(double newLambda) {
        NDArray w = solve(gram(), targets(), newLambda, manager);
        if (solution != null) {
            solution.close();
        }
        solution = kept(w);
        lambda = newLambda;
    }

    /**
     * Sets the solution directly (checkpoint restore of a head whose statistics have grown since it was solved).
     *
     * @param w W_o, (C, M); copied
     * @param solvedLambda the λ it was solved with
     */
    public void restoreSolution(NDArray w, double solvedLambda) {
        if (!w.getShape().equals(new Shape(classes, width))) {
            throw new IllegalStateException("ridge head solution has shape " + w.getShape() + "; expected ("
                    + classes + ", " + width + ")");
        }
        NDArray copy = Owned.copyAs(w, DataType.FLOAT32);
        kept(copy).attach(manager);
        if (solution != null) {
            solution.close();
        }
        solution = copy;
        lambda = solvedLambda;
    }

    /**
     * The analytic logits {@code r · W_oᵀ} (the caller multiplies by σ).
     *
     * @param projected (B, M)
     * @return (B, C)
     */
    public NDArray logits(NDArray projected) {
        checkWidth(projected);
        return projected.matMul(solution().toDevice(projected.getDevice(), false).transpose());
    }

    /**
     * Chooses λ from a grid as the official RanPAC and SAFE code do ({@code optimise_ridge_parameter}): fit on the
     * first {@value #FIT_FRACTION} of the rows of a shuffled loader, score the mean squared error of the one-hot
     * targets on the rest, keep the λ with the lowest error (the first on ties). Here the shuffle is a seeded
     * random split ({@link #splitMask}) with the same sizes. Only the arrays given are read.
     *
     * @param projected H of the current task's training samples, (N, M), N ≥ 2
     * @param labels (N)
     * @param classes C
     * @param grid candidate λ values
     * @param seed the seed of the random split
     * @param precision the solve precision
     * @return the chosen λ
     */
    public static double selectLambda(NDArray projected, NDArray labels, int classes, double[] grid, long seed,
                                      Precision precision) {
        int n = (int) projected.getShape().get(0);
        if (n < 2) {
            throw new IllegalArgumentException("ridge λ selection needs at least 2 samples, got " + n);
        }
        return selectLambda(projected, labels, classes, grid, splitMask(n, seed), precision);
    }

    /**
     * {@link #selectLambda(NDArray, NDArray, int, double[], long, Precision)} with a given fit/score split. Rows that
     * describe the same image (e.g. SAFE's slow and fast features of one image, pooled) must fall on the same side,
     * or the scored rows have near copies among the fitted ones and the smallest λ looks best.
     *
     * @param projected H, (N, M)
     * @param labels (N)
     * @param classes C
     * @param grid candidate λ values
     * @param fit true for the rows that fit, false for the rows that score; both sides non-empty
     * @param precision the solve precision
     * @return the chosen λ
     */
    public static double selectLambda(NDArray projected, NDArray labels, int classes, double[] grid, boolean[] fit,
                                      Precision precision) {
        int n = (int) projected.getShape().get(0);
        if (fit.length != n) {
            throw new IllegalArgumentException("ridge λ selection: the split has " + fit.length + " rows, the "
                    + "features " + n);
        }
        int fitting = 0;
        for (boolean f : fit) {
            fitting += f ? 1 : 0;
        }
        if (fitting == 0 || fitting == n) {
            throw new IllegalArgumentException("ridge λ selection needs rows on both sides of the split, got "
                    + fitting + " fitting of " + n);
        }
        if (grid.length == 0) {
            throw new IllegalArgumentException("ridge λ grid is empty");
        }
        try (NDManager scope = projected.getManager().newSubManager()) {
            NDArray h = Owned.copyAs(projected, precision.dataType());
            h.attach(scope);
            NDArray y = oneHot(labels, classes, precision.dataType());
            y.attach(scope);
            NDArray fitMask = Owned.booleans(scope, fit, new Shape(fit.length));
            NDArray scoreMask = fitMask.logicalNot();
            NDArray ha = rows(h, fitMask);
            NDArray ya = rows(y, fitMask);
            NDArray hb = rows(h, scoreMask);
            NDArray yb = rows(y, scoreMask);
            NDArray g = ha.transpose().matMul(ha);
            NDArray q = ha.transpose().matMul(ya);
            double best = Double.NaN;
            double bestError = Double.POSITIVE_INFINITY;
            for (double candidate : grid) {
                NDArray w;
                try {
                    w = solve(g, q, candidate, scope);
                } catch (ai.djl.engine.EngineException e) {
                    // A tiny λ (RanPAC's grid starts at 1e-8) can leave G + λI singular in float32: the engine
                    // refuses to invert it, and the candidate loses, as one with an infinite error would.
                    continue;
                }
                NDArray pred = hb.toType(DataType.FLOAT32, false).matMul(w.transpose());
                double error = pred.sub(yb.toType(DataType.FLOAT32, false)).square().mean().getFloat();
                if (error < bestError || Double.isNaN(best) && !Double.isNaN(error)) {
                    bestError = error;
                    best = candidate;
                }
            }
            if (Double.isNaN(best)) {
                throw new IllegalStateException("ridge λ selection: G + λI is singular for every λ of "
                        + Arrays.toString(grid) + "; use larger values");
            }
            return best;
        }
    }

    /**
     * The random fit/score split of {@link #selectLambda}: exactly ⌊0.8·N⌋ samples fit (at least 1, at most N−1).
     *
     * @param n samples
     * @param seed the seed
     * @return true for the fitting samples
     */
    public static boolean[] splitMask(int n, long seed) {
        int fitCount = Math.max(1, Math.min(n - 1, (int) Math.floor(FIT_FRACTION * n)));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[] fit = new boolean[n];
        for (int i = 0; i < fitCount; i++) {
            fit[order[i]] = true;
        }
        return fit;
    }

    /** The rows where the mask is true (the mask is broadcast over the row, as the engine masks element-wise). */
    private static NDArray rows(NDArray a, NDArray mask) {
        long n = a.getShape().get(0);
        long w = a.getShape().get(1);
        return a.booleanMask(mask.reshape(n, 1).broadcast(n, w)).reshape(-1, w);
    }

    static NDArray solve(NDArray g, NDArray q, double lambda, NDManager into) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("ridge λ must be a finite number > 0, was " + lambda);
        }
        try (NDManager scope = into.newSubManager()) {
            NDArray a = g.duplicate();
            a.attach(scope);
            int m = (int) g.getShape().get(0);
            NDArray eye = scope.eye(m, m, 0, g.getDataType()).mul(g.getDataType() == DataType.FLOAT64
                    ? (Number) lambda : (Number) (float) lambda);
            NDArray w = Owned.copyAs(a.add(eye).inverse().matMul(q).transpose(), DataType.FLOAT32);
            w.attach(into);
            return w;
        }
    }

    private static NDArray oneHot(NDArray labels, int classes, DataType type) {
        return oneHot(labels.getManager(), labels.toType(DataType.INT64, false).toLongArray(), classes, type);
    }

    /**
     * One-hot rows built on the Java side (the PyTorch engine does not implement DJL's valued {@code oneHot}).
     *
     * @param manager where the array is made
     * @param ids class ids
     * @param classes C
     * @param type float32 or float64
     * @return (ids.length, C)
     * @throws IllegalArgumentException for an id outside 0..C−1
     */
    public static NDArray oneHot(NDManager manager, long[] ids, int classes, DataType type) {
        float[] v = new float[ids.length * classes];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= classes) {
                throw new IllegalArgumentException("label " + ids[i] + " outside 0.." + (classes - 1));
            }
            v[i * classes + (int) ids[i]] = 1f;
        }
        NDArray out = Owned.floats(manager, v, new Shape(ids.length, classes));
        return type == DataType.FLOAT32 ? out : out.toType(type, false);
    }

    /**
     * Takes a long-lived array out of any open {@link NDScope}: the loop runs hooks inside scopes that close every
     * array created there.
     */
    static NDArray kept(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    private void checkWidth(NDArray projected) {
        if (projected.getShape().dimension() != 2 || projected.getShape().get(1) != width) {
            throw new IllegalArgumentException("ridge head: projected features must be (N, " + width + "), got "
                    + projected.getShape());
        }
    }

    /** Frees G, Q and the solution. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "RidgeHead[M=" + width + " C=" + classes + " λ=" + lambda + " " + precision
                + (statistics == this ? "" : " shared statistics") + "]";
    }
}
