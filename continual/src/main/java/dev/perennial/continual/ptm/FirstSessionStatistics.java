package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.io.SafetensorsDType;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The first session's class statistics of the frozen-PTM learners, computed by one pass over the first task's
 * training data ({@link FirstSessionPass}) in one process or in pieces that {@link #merge} adds up (the Spark job
 * {@code perennial-spark feature-stats}), and read back by the learner option {@code firstSessionStatistics}:
 *
 * <ul>
 *   <li>{@code simplecil}: per-class feature sums (float64) and counts; the prototypes are their quotients
 *       ({@link ClassPrototypes#mean}).</li>
 *   <li>{@code aper}: the same sums of the concatenated PTM and adapted features (width 2D) of the adapted model
 *       of the first session ({@link FirstSessionModel}, named by {@code adaptedSha256}).</li>
 *   <li>{@code safe}: the ridge statistics below of the slow learner's features (the adapted model of the first
 *       session), twice: under the slow head's projection and λ split and under the fast head's
 *       ({@code fast_*} tensors), as SAFE's task-1 heads each add their own rows and pick their own λ.</li>
 *   <li>{@code ranpac} without first-session adaptation: RanPAC's ridge statistics {@code G = HᵀH} and
 *       {@code Q = HᵀY} of the projected features {@code H = ReLU(φ(x)·W_rand)}, kept in float64 as two halves,
 *       the rows that fit and the rows that score the λ candidates ({@link RidgeHead#splitMask} of the pass's row
 *       index, the split the learner itself draws), so λ is chosen from the statistics alone
 *       ({@link #selectLambda}); {@code G = G_fit + G_score}, {@code Q = Q_fit + Q_score}.</li>
 * </ul>
 *
 * <p>Every sum is float64, so adding partial statistics in any order and grouping changes the result only by
 * float64 rounding (relative 1e-16 per addition), far below the float32 of the features.
 *
 * <p>File: safetensors, {@code __metadata__} {@code format = perennial-first-session-statistics/1} and the header
 * fields below; tensors {@code counts} (C) I64, then {@code prototype_sums} (C, D) F64 (simplecil) or
 * {@code gram_fit}, {@code gram_score} (M, M), {@code targets_fit}, {@code targets_score} (M, C) F64 and
 * {@code score_counts} (C) I64 (ranpac). docs/distributed-feature-statistics.md describes it.
 */
public final class FirstSessionStatistics implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The {@code format} metadata value of the file. */
    public static final String FORMAT = "perennial-first-session-statistics/1";
    /** The learners whose first session is a pass over the data. */
    public static final List<String> METHODS = List.of("simplecil", "ranpac", "aper", "safe");

    /**
     * What the statistics were computed from; the learner checks each field against its own configuration.
     *
     * @param method simplecil or ranpac
     * @param classCount C, the scenario's classes
     * @param classes the first task's class ids, in the scenario's order
     * @param featureDim D, the PTM's feature width
     * @param projectionWidth M (ranpac), 0 for simplecil
     * @param projectionSeed the seed of W_rand (ranpac), 0 for simplecil
     * @param splitSeed the seed of the λ fit/score split (ranpac), 0 for simplecil
     * @param rows N, the first task's training samples
     * @param checkpointSha256 SHA-256 of the PTM checkpoint ({@link #checkpointHash})
     * @param adaptedSha256 aper, safe: the content hash of the first session's adapted model
     *     ({@link FirstSessionModel#contentHash}); "" otherwise
     * @param fastProjectionSeed safe: the seed of the fast head's W_rand; 0 otherwise
     * @param fastSplitSeed safe: the seed of the fast head's λ split; 0 otherwise
     */
    public record Header(String method, int classCount, int[] classes, int featureDim, int projectionWidth,
                         long projectionSeed, long splitSeed, int rows, String checkpointSha256,
                         String adaptedSha256, long fastProjectionSeed, long fastSplitSeed)
            implements Serializable {
        /** Validates. */
        public Header {
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("first-session statistics: method '" + method + "' is not one of "
                        + METHODS);
            }
            classes = classes.clone();
            adaptedSha256 = adaptedSha256 == null ? "" : adaptedSha256;
        }

        /**
         * A header of a learner without an adapted model (simplecil, ranpac).
         *
         * @param method simplecil or ranpac
         * @param classCount C
         * @param classes the first task's classes
         * @param featureDim D
         * @param projectionWidth M or 0
         * @param projectionSeed W_rand's seed or 0
         * @param splitSeed the λ split's seed or 0
         * @param rows N
         * @param checkpointSha256 the PTM's hash
         */
        public Header(String method, int classCount, int[] classes, int featureDim, int projectionWidth,
                      long projectionSeed, long splitSeed, int rows, String checkpointSha256) {
            this(method, classCount, classes, featureDim, projectionWidth, projectionSeed, splitSeed, rows,
                    checkpointSha256, "", 0, 0);
        }

        /** @return whether the statistics are ridge statistics (ranpac, safe) rather than class sums */
        public boolean ridge() {
            return method.equals("ranpac") || method.equals("safe");
        }

        /** @return whether there is a second, fast head's block (safe) */
        public boolean twoHeads() {
            return method.equals("safe");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && method.equals(h.method) && classCount == h.classCount
                    && Arrays.equals(classes, h.classes) && featureDim == h.featureDim
                    && projectionWidth == h.projectionWidth && projectionSeed == h.projectionSeed
                    && splitSeed == h.splitSeed && rows == h.rows && checkpointSha256.equals(h.checkpointSha256)
                    && adaptedSha256.equals(h.adaptedSha256) && fastProjectionSeed == h.fastProjectionSeed
                    && fastSplitSeed == h.fastSplitSeed;
        }

        @Override
        public int hashCode() {
            return method.hashCode() * 31 + Arrays.hashCode(classes);
        }
    }

    private final Header header;
    private final long[] counts;
    private final double[] prototypeSums;
    private final double[] gramFit;
    private final double[] gramScore;
    private final double[] targetsFit;
    private final double[] targetsScore;
    private final long[] scoreCounts;
    private final double[] fastGramFit;
    private final double[] fastGramScore;
    private final double[] fastTargetsFit;
    private final double[] fastTargetsScore;
    private final long[] fastScoreCounts;

    private FirstSessionStatistics(Header header, long[] counts, double[] prototypeSums, double[] gramFit,
                                   double[] gramScore, double[] targetsFit, double[] targetsScore,
                                   long[] scoreCounts) {
        int m = header.projectionWidth();
        int c = header.classCount();
        boolean two = header.twoHeads();
        this.fastGramFit = two ? new double[m * m] : null;
        this.fastGramScore = two ? new double[m * m] : null;
        this.fastTargetsFit = two ? new double[m * c] : null;
        this.fastTargetsScore = two ? new double[m * c] : null;
        this.fastScoreCounts = two ? new long[c] : null;
        this.header = header;
        this.counts = counts;
        this.prototypeSums = prototypeSums;
        this.gramFit = gramFit;
        this.gramScore = gramScore;
        this.targetsFit = targetsFit;
        this.targetsScore = targetsScore;
        this.scoreCounts = scoreCounts;
    }

    /**
     * Zero statistics (the neutral element of {@link #merge}).
     *
     * @param header what they describe
     * @return the statistics
     */
    public static FirstSessionStatistics empty(Header header) {
        int c = header.classCount();
        if (header.ridge()) {
            int m = header.projectionWidth();
            return new FirstSessionStatistics(header, new long[c], null, new double[m * m], new double[m * m],
                    new double[m * c], new double[m * c], new long[c]);
        }
        return new FirstSessionStatistics(header, new long[c], new double[c * header.featureDim()], null, null, null,
                null, null);
    }

    /** @return the header */
    public Header header() {
        return header;
    }

    /** @return the samples per class */
    public long[] counts() {
        return counts.clone();
    }

    /**
     * Adds {@code other} into this (element-wise float64 sums).
     *
     * @param other statistics of other rows with the same header
     * @return this
     */
    public FirstSessionStatistics merge(FirstSessionStatistics other) {
        if (!header.equals(other.header)) {
            throw new IllegalArgumentException("first-session statistics: cannot merge statistics of different "
                    + "passes: " + header + " and " + other.header);
        }
        add(counts, other.counts);
        add(prototypeSums, other.prototypeSums);
        add(gramFit, other.gramFit);
        add(gramScore, other.gramScore);
        add(targetsFit, other.targetsFit);
        add(targetsScore, other.targetsScore);
        add(scoreCounts, other.scoreCounts);
        add(fastGramFit, other.fastGramFit);
        add(fastGramScore, other.fastGramScore);
        add(fastTargetsFit, other.fastTargetsFit);
        add(fastTargetsScore, other.fastTargetsScore);
        add(fastScoreCounts, other.fastScoreCounts);
        return this;
    }

    /**
     * Adds per-class feature sums (simplecil).
     *
     * @param prototypes a pass's sums
     */
    void addPrototypes(ClassPrototypes prototypes) {
        for (int c = 0; c < header.classCount(); c++) {
            counts[c] += prototypes.count(c);
            double[] s = prototypes.sum(c);
            for (int d = 0; d < s.length; d++) {
                prototypeSums[c * s.length + d] += s[d];
            }
        }
    }

    /**
     * Adds ridge statistics (ranpac).
     *
     * @param fit the head that accumulated the fitting rows
     * @param score the head that accumulated the scoring rows
     * @param rowCounts the rows added per class
     * @param scoreRowCounts the scoring rows added per class
     */
    void addRidge(RidgeHead fit, RidgeHead score, long[] rowCounts, long[] scoreRowCounts) {
        add(gramFit, fit.gram().toType(DataType.FLOAT64, false).toDoubleArray());
        add(targetsFit, fit.targets().toType(DataType.FLOAT64, false).toDoubleArray());
        add(gramScore, score.gram().toType(DataType.FLOAT64, false).toDoubleArray());
        add(targetsScore, score.targets().toType(DataType.FLOAT64, false).toDoubleArray());
        add(counts, rowCounts);
        add(scoreCounts, scoreRowCounts);
    }

    /**
     * Adds the fast head's ridge statistics (safe; the rows' counts are added by {@link #addRidge}).
     *
     * @param fit the head that accumulated the fast split's fitting rows
     * @param score the head that accumulated its scoring rows
     * @param scoreRowCounts the fast split's scoring rows per class
     */
    void addFastRidge(RidgeHead fit, RidgeHead score, long[] scoreRowCounts) {
        add(fastGramFit, fit.gram().toType(DataType.FLOAT64, false).toDoubleArray());
        add(fastTargetsFit, fit.targets().toType(DataType.FLOAT64, false).toDoubleArray());
        add(fastGramScore, score.gram().toType(DataType.FLOAT64, false).toDoubleArray());
        add(fastTargetsScore, score.targets().toType(DataType.FLOAT64, false).toDoubleArray());
        add(fastScoreCounts, scoreRowCounts);
    }

    /** @return the class sums as prototypes (simplecil) */
    public ClassPrototypes prototypes() {
        if (header.ridge()) {
            throw new IllegalStateException("first-session statistics of " + header.method() + " hold no class sums");
        }
        int d = header.featureDim();
        double[][] sums = new double[header.classCount()][];
        for (int c = 0; c < sums.length; c++) {
            sums[c] = Arrays.copyOfRange(prototypeSums, c * d, (c + 1) * d);
        }
        return ClassPrototypes.of(sums, counts);
    }

    /** @return G = G_fit + G_score, (M·M) row-major (safe: the slow head's) */
    public double[] gram() {
        requireRidge();
        double[] g = gramFit.clone();
        add(g, gramScore);
        return g;
    }

    /** @return Q = Q_fit + Q_score, (M·C) row-major (safe: the slow head's) */
    public double[] targets() {
        requireRidge();
        double[] q = targetsFit.clone();
        add(q, targetsScore);
        return q;
    }

    /** @return safe: the fast head's G, (M·M) row-major */
    public double[] fastGram() {
        requireMethod("safe");
        double[] g = fastGramFit.clone();
        add(g, fastGramScore);
        return g;
    }

    /** @return safe: the fast head's Q, (M·C) row-major */
    public double[] fastTargets() {
        requireMethod("safe");
        double[] q = fastTargetsFit.clone();
        add(q, fastTargetsScore);
        return q;
    }

    /**
     * {@link #selectLambda} for the fast head's block (safe).
     *
     * @param manager where the solves run
     * @param grid the candidates
     * @param precision the solve precision
     * @return the chosen λ
     */
    public double selectFastLambda(NDManager manager, double[] grid, RidgeHead.Precision precision) {
        requireMethod("safe");
        return selectLambda(manager, grid, precision, fastGramFit, fastTargetsFit, fastGramScore, fastTargetsScore,
                fastScoreCounts);
    }

    /**
     * Chooses λ from the grid as {@link RidgeHead#selectLambda} does on the rows (fit on the fitting rows, the mean
     * squared error of the one-hot targets on the scoring rows, the lowest wins, the first on ties), with the error
     * computed from the statistics: {@code Σ‖hW ᵀ − y‖² = tr(W G_score Wᵀ) − 2 tr(W Q_score) + N_score} in float64.
     *
     * @param manager where the solves run
     * @param grid the candidates
     * @param precision the solve precision (as the learner's)
     * @return the chosen λ
     */
    public double selectLambda(NDManager manager, double[] grid, RidgeHead.Precision precision) {
        requireRidge();
        return selectLambda(manager, grid, precision, gramFit, targetsFit, gramScore, targetsScore, scoreCounts);
    }

    private double selectLambda(NDManager manager, double[] grid, RidgeHead.Precision precision, double[] gramFit,
                                double[] targetsFit, double[] gramScore, double[] targetsScore, long[] scoreCounts) {
        int m = header.projectionWidth();
        int c = header.classCount();
        long nScore = Arrays.stream(scoreCounts).sum();
        long nFit = Arrays.stream(counts).sum() - nScore;
        if (nScore == 0 || nFit == 0) {
            throw new IllegalArgumentException("ridge λ selection needs rows on both sides of the split, got " + nFit
                    + " fitting of " + (nFit + nScore));
        }
        if (grid.length == 0) {
            throw new IllegalArgumentException("ridge λ grid is empty");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray g = doubles(scope, gramFit, m, m).toType(precision.dataType(), false);
            NDArray q = doubles(scope, targetsFit, m, c).toType(precision.dataType(), false);
            NDArray gb = doubles(scope, gramScore, m, m);
            NDArray qb = doubles(scope, targetsScore, m, c);
            double best = Double.NaN;
            double bestError = Double.POSITIVE_INFINITY;
            for (double candidate : grid) {
                NDArray w;
                try {
                    w = RidgeHead.solve(g, q, candidate, scope).toType(DataType.FLOAT64, false);
                } catch (ai.djl.engine.EngineException e) {
                    continue; // singular, as in RidgeHead.selectLambda
                }
                double quadratic = w.matMul(gb).mul(w).sum().getDouble();
                double cross = w.transpose().mul(qb).sum().getDouble();
                double error = (quadratic - 2 * cross + nScore) / ((double) nScore * c);
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

    private static NDArray doubles(NDManager m, double[] v, int rows, int cols) {
        return Owned.doubles(m, v, new Shape(rows, cols));
    }

    /**
     * Checks the statistics against what the learner would compute; the message names the field.
     *
     * @param expected the learner's header
     * @param file the file (for the message)
     * @param plugin the learner (for the message)
     * @throws IllegalArgumentException on the first field that differs
     */
    public void requireMatches(Header expected, Path file, String plugin) {
        String where = plugin + ": firstSessionStatistics " + file + ": ";
        check(header.method().equals(expected.method()), where, "method", header.method(), expected.method());
        check(header.classCount() == expected.classCount(), where, "classCount", header.classCount(),
                expected.classCount());
        check(Arrays.equals(header.classes(), expected.classes()), where, "classes",
                Arrays.toString(header.classes()), Arrays.toString(expected.classes()));
        check(header.featureDim() == expected.featureDim(), where, "featureDim", header.featureDim(),
                expected.featureDim());
        check(header.projectionWidth() == expected.projectionWidth(), where, "projectionWidth",
                header.projectionWidth(), expected.projectionWidth());
        check(header.projectionSeed() == expected.projectionSeed(), where, "projectionSeed",
                header.projectionSeed(), expected.projectionSeed());
        check(header.splitSeed() == expected.splitSeed(), where, "splitSeed", header.splitSeed(),
                expected.splitSeed());
        check(header.checkpointSha256().equals(expected.checkpointSha256()), where, "checkpointSha256",
                header.checkpointSha256(), expected.checkpointSha256());
        check(header.adaptedSha256().equals(expected.adaptedSha256()), where, "adaptedSha256",
                header.adaptedSha256(), expected.adaptedSha256() + " (the content hash of its first session's"
                + " adapted model)");
        check(header.fastProjectionSeed() == expected.fastProjectionSeed(), where, "fastProjectionSeed",
                header.fastProjectionSeed(), expected.fastProjectionSeed());
        check(header.fastSplitSeed() == expected.fastSplitSeed(), where, "fastSplitSeed", header.fastSplitSeed(),
                expected.fastSplitSeed());
        long n = Arrays.stream(counts).sum();
        check(n == header.rows(), where, "rows", n + " summed", header.rows() + " in the header");
        for (int c : header.classes()) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException(where + "class " + c + " of the first task has no samples");
            }
        }
    }

    private static void check(boolean ok, String where, String field, Object found, Object expected) {
        if (!ok) {
            throw new IllegalArgumentException(where + "'" + field + "' is " + found + ", the learner's is "
                    + expected + " (compute the file again with the learner's configuration)");
        }
    }

    private void requireRidge() {
        if (!header.ridge()) {
            throw new IllegalStateException("first-session statistics of " + header.method() + " hold no ridge"
                    + " statistics");
        }
    }

    private void requireMethod(String method) {
        if (!header.method().equals(method)) {
            throw new IllegalStateException("first-session statistics of " + header.method() + " hold no " + method
                    + " statistics");
        }
    }

    // ------------------------------------------------------------------------------------------------ the file

    /**
     * Writes the file (safetensors; see the class comment).
     *
     * @param file the file
     * @throws UncheckedIOException when it cannot be written
     */
    public void write(Path file) {
        int c = header.classCount();
        SafetensorsWriter w = SafetensorsWriter.create()
                .metadata("format", FORMAT)
                .metadata("method", header.method())
                .metadata("classCount", Integer.toString(c))
                .metadata("classes", String.join(",", Arrays.stream(header.classes()).mapToObj(Integer::toString)
                        .toList()))
                .metadata("featureDim", Integer.toString(header.featureDim()))
                .metadata("projectionWidth", Integer.toString(header.projectionWidth()))
                .metadata("projectionSeed", Long.toString(header.projectionSeed()))
                .metadata("splitSeed", Long.toString(header.splitSeed()))
                .metadata("rows", Integer.toString(header.rows()))
                .metadata("checkpointSha256", header.checkpointSha256())
                .metadata("adaptedSha256", header.adaptedSha256())
                .metadata("fastProjectionSeed", Long.toString(header.fastProjectionSeed()))
                .metadata("fastSplitSeed", Long.toString(header.fastSplitSeed()));
        w.addRaw("counts", SafetensorsDType.I64, new Shape(c), longBytes(counts));
        if (header.ridge()) {
            int m = header.projectionWidth();
            w.addRaw("gram_fit", SafetensorsDType.F64, new Shape(m, m), doubleBytes(gramFit));
            w.addRaw("gram_score", SafetensorsDType.F64, new Shape(m, m), doubleBytes(gramScore));
            w.addRaw("targets_fit", SafetensorsDType.F64, new Shape(m, c), doubleBytes(targetsFit));
            w.addRaw("targets_score", SafetensorsDType.F64, new Shape(m, c), doubleBytes(targetsScore));
            w.addRaw("score_counts", SafetensorsDType.I64, new Shape(c), longBytes(scoreCounts));
            if (header.twoHeads()) {
                w.addRaw("fast_gram_fit", SafetensorsDType.F64, new Shape(m, m), doubleBytes(fastGramFit));
                w.addRaw("fast_gram_score", SafetensorsDType.F64, new Shape(m, m), doubleBytes(fastGramScore));
                w.addRaw("fast_targets_fit", SafetensorsDType.F64, new Shape(m, c), doubleBytes(fastTargetsFit));
                w.addRaw("fast_targets_score", SafetensorsDType.F64, new Shape(m, c),
                        doubleBytes(fastTargetsScore));
                w.addRaw("fast_score_counts", SafetensorsDType.I64, new Shape(c), longBytes(fastScoreCounts));
            }
        } else {
            w.addRaw("prototype_sums", SafetensorsDType.F64, new Shape(c, header.featureDim()),
                    doubleBytes(prototypeSums));
        }
        try {
            w.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write first-session statistics " + file, e);
        }
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @param file the file
     * @param manager a manager for the reads
     * @return the statistics
     * @throws IllegalArgumentException naming the file and the field when it is not such a file
     */
    public static FirstSessionStatistics read(Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " does not exist; write it with "
                    + "bin/perennial-spark feature-stats EXPERIMENT.yaml --out FILE");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager scope = manager.newSubManager()) {
            Map<String, String> meta = f.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new IllegalArgumentException("firstSessionStatistics: " + file + " has format '"
                        + meta.get("format") + "'; expected " + FORMAT);
            }
            String classList = field(meta, "classes", file);
            int[] classes;
            try {
                classes = classList.isEmpty() ? new int[0] : Arrays.stream(classList.split(",")).mapToInt(
                        Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("firstSessionStatistics: " + file + " metadata 'classes' is not a "
                        + "comma-separated list of class ids: " + classList);
            }
            String method = field(meta, "method", file);
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("firstSessionStatistics: " + file + " metadata 'method' is '"
                        + method + "'; expected one of " + METHODS);
            }
            Header h = new Header(method, (int) number(meta, "classCount", file), classes,
                    (int) number(meta, "featureDim", file),
                    (int) number(meta, "projectionWidth", file), number(meta, "projectionSeed", file),
                    number(meta, "splitSeed", file), (int) number(meta, "rows", file),
                    field(meta, "checkpointSha256", file), meta.getOrDefault("adaptedSha256", ""),
                    meta.containsKey("fastProjectionSeed") ? number(meta, "fastProjectionSeed", file) : 0,
                    meta.containsKey("fastSplitSeed") ? number(meta, "fastSplitSeed", file) : 0);
            // Every size is checked against the tensors' shapes before anything of that size is allocated.
            int c = h.classCount();
            int m = h.projectionWidth();
            if (c < 1 || h.featureDim() < 1 || (h.ridge() ? m < 1 || m > 46_340 : m != 0)) {
                throw new IllegalArgumentException("firstSessionStatistics: " + file + " has classCount " + c
                        + ", featureDim " + h.featureDim() + ", projectionWidth " + m + "; expected >= 1, >= 1 and "
                        + (h.ridge() ? "1..46340" : "0"));
            }
            requireShape(f, "counts", new Shape(c), file);
            if (h.ridge()) {
                for (String g : List.of("gram_fit", "gram_score")) {
                    requireShape(f, g, new Shape(m, m), file);
                }
                for (String q : List.of("targets_fit", "targets_score")) {
                    requireShape(f, q, new Shape(m, c), file);
                }
                requireShape(f, "score_counts", new Shape(c), file);
                if (h.twoHeads()) {
                    for (String g : List.of("fast_gram_fit", "fast_gram_score")) {
                        requireShape(f, g, new Shape(m, m), file);
                    }
                    for (String q : List.of("fast_targets_fit", "fast_targets_score")) {
                        requireShape(f, q, new Shape(m, c), file);
                    }
                    requireShape(f, "fast_score_counts", new Shape(c), file);
                }
            } else {
                requireShape(f, "prototype_sums", new Shape(c, h.featureDim()), file);
            }
            FirstSessionStatistics s = empty(h);
            copy(f, scope, "counts", s.counts, file);
            if (h.ridge()) {
                copy(f, scope, "gram_fit", s.gramFit, file);
                copy(f, scope, "gram_score", s.gramScore, file);
                copy(f, scope, "targets_fit", s.targetsFit, file);
                copy(f, scope, "targets_score", s.targetsScore, file);
                copy(f, scope, "score_counts", s.scoreCounts, file);
                if (h.twoHeads()) {
                    copy(f, scope, "fast_gram_fit", s.fastGramFit, file);
                    copy(f, scope, "fast_gram_score", s.fastGramScore, file);
                    copy(f, scope, "fast_targets_fit", s.fastTargetsFit, file);
                    copy(f, scope, "fast_targets_score", s.fastTargetsScore, file);
                    copy(f, scope, "fast_score_counts", s.fastScoreCounts, file);
                }
            } else {
                copy(f, scope, "prototype_sums", s.prototypeSums, file);
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " is not a readable safetensors "
                    + "file (" + e.getMessage() + ")", e);
        }
    }

    private static void requireShape(SafetensorsFile f, String name, Shape shape, Path file) {
        if (!f.names().contains(name)) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " has no tensor '" + name + "'");
        }
        if (!f.shape(name).equals(shape)) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " tensor '" + name + "' has shape "
                    + f.shape(name) + "; the header needs " + shape);
        }
    }

    private static String field(Map<String, String> meta, String key, Path file) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " has no '" + key + "' metadata");
        }
        return v;
    }

    private static long number(Map<String, String> meta, String key, Path file) {
        try {
            return Long.parseLong(field(meta, key, file));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " metadata '" + key + "' is not "
                    + "an integer: " + meta.get(key));
        }
    }

    private static void copy(SafetensorsFile f, NDManager m, String name, Object into, Path file)
            throws IOException {
        if (!f.names().contains(name)) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " has no tensor '" + name + "'");
        }
        NDArray a = f.read(name, m);
        int length = into instanceof long[] l ? l.length : ((double[]) into).length;
        if (a.getShape().size() != length) {
            throw new IllegalArgumentException("firstSessionStatistics: " + file + " tensor '" + name + "' has shape "
                    + a.getShape() + "; the header needs " + length + " values");
        }
        if (into instanceof long[] l) {
            System.arraycopy(a.toType(DataType.INT64, false).toLongArray(), 0, l, 0, length);
        } else {
            System.arraycopy(a.toType(DataType.FLOAT64, false).toDoubleArray(), 0, (double[]) into, 0, length);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * SHA-256 of a PTM checkpoint: of the file, or of a checkpoint directory's regular files (relative path and
     * bytes, in sorted path order).
     *
     * @param checkpoint the backbone's checkpoint path (non-empty)
     * @return lower-case hex
     * @throws IllegalArgumentException when it is empty or missing
     */
    public static String checkpointHash(String checkpoint) {
        if (checkpoint == null || checkpoint.isBlank()) {
            throw new IllegalArgumentException("backbone.checkpoint is empty: random PTM weights differ between "
                    + "processes, so first-session statistics need a checkpoint file");
        }
        Path root = Path.of(checkpoint);
        if (!Files.exists(root)) {
            throw new IllegalArgumentException("backbone.checkpoint " + root + " does not exist");
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.walk(root)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
            } else {
                files = List.of(root);
            }
            byte[] buffer = new byte[1 << 16];
            for (Path p : files) {
                if (!p.equals(root)) {
                    md.update(root.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                try (InputStream in = Files.newInputStream(p)) {
                    for (int r; (r = in.read(buffer)) > 0; ) {
                        md.update(buffer, 0, r);
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read backbone.checkpoint " + root, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(double[] into, double[] from) {
        if (into != null) {
            for (int i = 0; i < into.length; i++) {
                into[i] += from[i];
            }
        }
    }

    private static void add(long[] into, long[] from) {
        if (into != null) {
            for (int i = 0; i < into.length; i++) {
                into[i] += from[i];
            }
        }
    }

    private static byte[] doubleBytes(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    private static byte[] longBytes(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    @Override
    public String toString() {
        return "FirstSessionStatistics[" + header.method() + ", " + Arrays.stream(counts).sum() + " rows]";
    }
}
