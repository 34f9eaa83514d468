package dev.perennial.sweep.spark;

import ai.djl.ndarray.NDManager;
import dev.perennial.continual.ptm.FirstSessionPass;
import dev.perennial.continual.ptm.FirstSessionStatistics;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;

/**
 * {@code perennial-spark feature-stats}: the first-session statistics of a frozen-PTM learner (simplecil prototypes,
 * ranpac's ridge statistics G and Q) over an experiment's first task, computed by Spark executors with DJL and added
 * up with {@code treeAggregate}, written to the file the learner option {@code firstSessionStatistics} reads
 * ({@link FirstSessionStatistics}).
 *
 * <pre>
 * FeatureStatsJob EXPERIMENT.yaml --out FILE [--adapted MODEL] [--partitions N] [--single-process] [--json FILE]
 * FeatureStatsJob --diff A.safetensors B.safetensors
 * </pre>
 *
 * <p>The first task's training rows, in the learner's own pass order, are cut into {@code --partitions} contiguous
 * ranges (default: the master's default parallelism); each Spark task opens the experiment's data set (for
 * {@code image-folder}: the folder on a path every node reads), loads the PTM checkpoint, runs
 * {@link FirstSessionPass} over its rows and returns its partial statistics; the driver adds them with a tree
 * aggregation of depth 2. {@code --single-process} runs the same pass over all rows in this JVM, without Spark (the
 * reference). For {@code aper} and {@code safe}, whose first session adapts the backbone, {@code --adapted} names
 * the model the learner's {@code firstSessionExport} wrote after that session: every task loads it too, and the
 * file records its content hash. {@code --diff} prints the largest absolute differences between two files. The master is
 * {@code local[N]} (N: {@code --partitions}, default 2) unless {@code spark.master} is set. Exit codes: 0 done, 2 bad
 * input.
 */
public final class FeatureStatsJob {
    static final int OK = 0;
    static final int BAD_INPUT = 2;
    private static final String USAGE = "usage: feature-stats EXPERIMENT.yaml --out FILE [--adapted MODEL]"
            + " [--partitions N]"
            + " [--single-process] [--json FILE] | feature-stats --diff A.safetensors B.safetensors";

    private FeatureStatsJob() {}

    /** The command line. */
    record Options(Path experiment, Path out, Integer partitions, boolean singleProcess, Path json, Path diffA,
                   Path diffB, Path adapted) {}

    /** What a run measured. */
    record Result(String mode, int partitions, int rows, double seconds, FirstSessionStatistics statistics) {
        double rowsPerSecond() {
            return rows / Math.max(seconds, 1e-9);
        }
    }

    /**
     * Runs the job and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int code;
        try {
            Options o = parse(args);
            if (o.diffA() != null) {
                code = diff(o.diffA(), o.diffB(), System.out);
            } else if (o.singleProcess()) {
                code = report(o, singleProcess(o.experiment(), o.adapted()), System.out);
            } else {
                int n = o.partitions() != null ? o.partitions() : 2;
                SparkConf conf = new SparkConf();
                SparkSession.Builder b = SparkSession.builder().appName("perennial feature-stats " + o.experiment());
                if (!conf.contains("spark.master")) {
                    b.master("local[" + n + "]");
                }
                if (!conf.contains("spark.speculation")) {
                    b.config("spark.speculation", "false");
                }
                SparkSession spark = b.getOrCreate();
                try {
                    code = report(o, spark(spark, o.experiment(), o.adapted(), o.partitions()), System.out);
                } finally {
                    spark.stop();
                }
            }
        } catch (RuntimeException e) {
            if (!badInput(e)) {
                throw e;
            }
            System.err.println("perennial-spark feature-stats: " + e.getMessage());
            code = BAD_INPUT;
        }
        System.exit(code);
    }

    /**
     * Runs the job in a session the caller owns.
     *
     * @param spark the session
     * @param out where the table goes
     * @param args the command line
     * @return the exit code
     */
    static int run(SparkSession spark, PrintStream out, String... args) {
        try {
            Options o = parse(args);
            if (o.diffA() != null) {
                return diff(o.diffA(), o.diffB(), out);
            }
            return report(o, o.singleProcess() ? singleProcess(o.experiment(), o.adapted())
                    : spark(spark, o.experiment(), o.adapted(), o.partitions()), out);
        } catch (RuntimeException e) {
            if (!badInput(e)) {
                throw e;
            }
            out.println("perennial-spark feature-stats: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    /** Input errors the SDK reports with a one-line message (configuration, plugins, data set, files). */
    private static boolean badInput(RuntimeException e) {
        return e instanceof IllegalArgumentException || e instanceof dev.perennial.api.config.ConfigException
                || e instanceof dev.perennial.api.registry.PluginException
                || e instanceof dev.perennial.spi.DatasetException;
    }

    static Options parse(String[] args) {
        Path experiment = null;
        Path out = null;
        Integer partitions = null;
        boolean single = false;
        Path json = null;
        Path diffA = null;
        Path diffB = null;
        Path adapted = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--single-process")) {
                single = true;
                continue;
            }
            if (a.startsWith("--") && i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value; " + USAGE);
            }
            switch (a) {
                case "--out" -> out = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--adapted" -> adapted = Path.of(args[++i]);
                case "--diff" -> {
                    if (i + 2 >= args.length) {
                        throw new IllegalArgumentException("--diff needs two files; " + USAGE);
                    }
                    diffA = Path.of(args[++i]);
                    diffB = Path.of(args[++i]);
                }
                case "--partitions" -> {
                    try {
                        partitions = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        partitions = -1;
                    }
                    if (partitions < 1 || partitions > 100_000) {
                        throw new IllegalArgumentException("--partitions must be 1-100000, was " + args[i]);
                    }
                }
                default -> {
                    if (a.startsWith("-") || experiment != null) {
                        throw new IllegalArgumentException("unexpected argument '" + a + "'; " + USAGE);
                    }
                    experiment = Path.of(a);
                }
            }
        }
        if (diffA != null) {
            if (experiment != null || out != null) {
                throw new IllegalArgumentException("--diff takes two files and nothing else; " + USAGE);
            }
            return new Options(null, null, null, false, null, diffA, diffB, null);
        }
        if (experiment == null || out == null) {
            throw new IllegalArgumentException("give an experiment file and --out FILE; " + USAGE);
        }
        if (!Files.isRegularFile(experiment)) {
            throw new IllegalArgumentException("experiment file " + experiment + " does not exist");
        }
        if (adapted != null && !Files.isRegularFile(adapted)) {
            throw new IllegalArgumentException("--adapted " + adapted + " does not exist; it is the file the learner's "
                    + "firstSessionExport writes");
        }
        return new Options(experiment.toAbsolutePath(), out, partitions, single, json, null, null,
                adapted == null ? null : adapted.toAbsolutePath());
    }

    /**
     * The statistics computed by Spark executors.
     *
     * @param spark the session
     * @param experiment the experiment file (a path every executor reads)
     * @param adapted the first session's adapted model (aper, safe; a path every executor reads), or null
     * @param partitions the row ranges, or null for the default parallelism
     * @return the result
     */
    static Result spark(SparkSession spark, Path experiment, Path adapted, Integer partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FirstSessionStatistics.Header header;
        try (FirstSessionData data = FirstSessionData.open(experiment, adapted)) {
            header = data.header();
        }
        int parts = partitions != null ? partitions : jsc.defaultParallelism();
        return spark(jsc, experiment, adapted, header, FirstSessionData.ranges(header.rows(), parts));
    }

    /**
     * The statistics of the given row ranges, one Spark partition each, added with {@code treeAggregate}.
     *
     * @param jsc the context
     * @param experiment the experiment file
     * @param header the statistics the driver expects (every executor checks its own against it)
     * @param ranges [from, to) row ranges
     * @return the result
     */
    static Result spark(JavaSparkContext jsc, Path experiment, FirstSessionStatistics.Header header,
                        List<int[]> ranges) {
        return spark(jsc, experiment, null, header, ranges);
    }

    /**
     * The statistics of the given row ranges with the first session's adapted model (aper, safe).
     *
     * @param jsc the context
     * @param experiment the experiment file
     * @param adapted the adapted model, or null
     * @param header the statistics the driver expects
     * @param ranges [from, to) row ranges
     * @return the result
     */
    static Result spark(JavaSparkContext jsc, Path experiment, Path adapted, FirstSessionStatistics.Header header,
                        List<int[]> ranges) {
        long start = System.nanoTime();
        FirstSessionStatistics zero = FirstSessionStatistics.empty(header);
        FirstSessionStatistics s = jsc.parallelize(ranges, ranges.size())
                .mapPartitions(new PartitionPass(experiment.toAbsolutePath().toString(),
                        adapted == null ? null : adapted.toAbsolutePath().toString(), header))
                .treeAggregate(zero, FirstSessionStatistics::merge, FirstSessionStatistics::merge, 2);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result("spark " + jsc.master(), ranges.size(), header.rows(), seconds, s);
    }

    /**
     * The statistics computed in this JVM over all rows (the reference of the Spark job).
     *
     * @param experiment the experiment file
     * @return the result
     */
    static Result singleProcess(Path experiment) {
        return singleProcess(experiment, null);
    }

    /**
     * The statistics computed in this JVM over all rows, with the first session's adapted model (aper, safe).
     *
     * @param experiment the experiment file
     * @param adapted the adapted model, or null
     * @return the result
     */
    static Result singleProcess(Path experiment, Path adapted) {
        long start = System.nanoTime();
        try (FirstSessionData data = FirstSessionData.open(experiment, adapted);
             FirstSessionPass pass = data.pass()) {
            addRows(pass, data.train(), 0, data.header().rows(), data.batchSize());
            FirstSessionStatistics s = pass.statistics();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result("single process", 1, data.header().rows(), seconds, s);
        }
    }

    /** Decodes rows [from, to) in batches and adds them to the pass. */
    static void addRows(FirstSessionPass pass, DatasetSplit split, int from, int to, int batch) {
        for (int at = from; at < to; at += batch) {
            int end = Math.min(to, at + batch);
            List<Example> examples = new ArrayList<>(end - at);
            int[] rows = new int[end - at];
            for (int i = at; i < end; i++) {
                examples.add(split.get(i));
                rows[i - at] = i;
            }
            pass.add(examples, rows);
        }
    }

    /** One Spark partition: opens the experiment's first task, passes its row ranges, returns its statistics. */
    static final class PartitionPass implements FlatMapFunction<Iterator<int[]>, FirstSessionStatistics> {
        private static final long serialVersionUID = 1L;
        private final String experiment;
        private final String adapted;
        private final FirstSessionStatistics.Header header;

        PartitionPass(String experiment, String adapted, FirstSessionStatistics.Header header) {
            this.experiment = experiment;
            this.adapted = adapted;
            this.header = header;
        }

        @Override
        public Iterator<FirstSessionStatistics> call(Iterator<int[]> ranges) {
            try (FirstSessionData data = FirstSessionData.open(Path.of(experiment),
                    adapted == null ? null : Path.of(adapted))) {
                if (!data.header().equals(header)) {
                    throw new IllegalStateException("feature-stats: this executor sees another first task or "
                            + "checkpoint than the driver (" + data.header() + " vs " + header + "); the experiment, "
                            + "data set and checkpoint must be the same files on every node");
                }
                try (FirstSessionPass pass = data.pass()) {
                    while (ranges.hasNext()) {
                        int[] r = ranges.next();
                        addRows(pass, data.train(), r[0], r[1], data.batchSize());
                    }
                    return List.of(pass.statistics()).iterator();
                }
            }
        }
    }

    private static int report(Options o, Result r, PrintStream out) {
        r.statistics().write(o.out());
        FirstSessionStatistics.Header h = r.statistics().header();
        out.printf(Locale.ROOT, "%-24s %-10s %-6s %-8s %-9s %-10s%n", "mode", "learner", "parts", "rows",
                "seconds", "rows/s");
        out.printf(Locale.ROOT, "%-24s %-10s %-6d %-8d %-9.2f %-10.1f%n", r.mode(), h.method(), r.partitions(),
                r.rows(), r.seconds(), r.rowsPerSecond());
        out.println("wrote " + o.out());
        if (o.json() != null) {
            String json = String.format(Locale.ROOT, "{\"mode\": \"%s\", \"method\": \"%s\", \"partitions\": %d, "
                    + "\"rows\": %d, \"seconds\": %.3f, \"rowsPerSecond\": %.2f, \"featureDim\": %d, "
                    + "\"projectionWidth\": %d, \"out\": \"%s\"}%n", r.mode(), h.method(), r.partitions(), r.rows(),
                    r.seconds(), r.rowsPerSecond(), h.featureDim(), h.projectionWidth(),
                    o.out().toString().replace("\\", "\\\\").replace("\"", "\\\""));
            try {
                Files.writeString(o.json(), json, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + o.json(), e);
            }
        }
        return OK;
    }

    /**
     * The largest absolute differences between two statistics files of the same header.
     *
     * @return the differences, by name: prototypes (class means), G, Q (ranpac), and the largest magnitudes
     */
    static java.util.Map<String, Double> differences(FirstSessionStatistics a, FirstSessionStatistics b) {
        java.util.Map<String, Double> d = new java.util.LinkedHashMap<>();
        if (!a.header().equals(b.header())) {
            throw new IllegalArgumentException("the files describe different passes: " + a.header() + " and "
                    + b.header());
        }
        if (!a.header().ridge()) {
            double diff = 0;
            double max = 0;
            for (int c : a.header().classes()) {
                float[] x = a.prototypes().mean(c);
                float[] y = b.prototypes().mean(c);
                for (int i = 0; i < x.length; i++) {
                    diff = Math.max(diff, Math.abs(x[i] - y[i]));
                    max = Math.max(max, Math.abs(x[i]));
                }
            }
            d.put("prototypes", diff);
            d.put("max|prototype|", max);
        } else {
            d.put("G", maxDiff(a.gram(), b.gram()));
            d.put("max|G|", maxAbs(a.gram()));
            d.put("Q", maxDiff(a.targets(), b.targets()));
            d.put("max|Q|", maxAbs(a.targets()));
            if (a.header().twoHeads()) {
                d.put("fast G", maxDiff(a.fastGram(), b.fastGram()));
                d.put("max|fast G|", maxAbs(a.fastGram()));
                d.put("fast Q", maxDiff(a.fastTargets(), b.fastTargets()));
                d.put("max|fast Q|", maxAbs(a.fastTargets()));
            }
        }
        d.put("counts", (double) maxDiff(a.counts(), b.counts()));
        return d;
    }

    private static int diff(Path a, Path b, PrintStream out) {
        try (NDManager m = NDManager.newBaseManager()) {
            java.util.Map<String, Double> d = differences(FirstSessionStatistics.read(a, m),
                    FirstSessionStatistics.read(b, m));
            d.forEach((k, v) -> out.printf(Locale.ROOT, "%-16s %.3e%n", k, v));
            return OK;
        }
    }

    private static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static long maxDiff(long[] a, long[] b) {
        long d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static double maxAbs(double[] a) {
        double d = 0;
        for (double v : a) {
            d = Math.max(d, Math.abs(v));
        }
        return d;
    }
}
