package dev.perennial.sweep.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code perennial sweep} as an Apache Spark job: every grid point is one task that runs the point as its own
 * {@code perennial run} process ({@link PointTask}); the rows (metrics and each report.json's text) become a
 * Dataset written to {@code OUT/runs.parquet} and {@code OUT/runs.csv}, with mean and sample standard deviation over
 * seeds per group in {@code OUT/summary.csv} and, with {@code --baseline}, paired differences in
 * {@code OUT/paired.csv}.
 *
 * <pre>
 * SweepJob SWEEP.yaml | --plan PLAN.json [--out DIR] [--runs DIR] [--parallel N] [--cli PATH] [--baseline LEARNER]
 * </pre>
 *
 * <p>The master is {@code local[N]} (N: {@code --parallel}, else the sweep's {@code parallel}) unless
 * {@code spark.master} is set ({@code spark-submit --master ...} wins). Exit codes: 0 every point finished, 1 a point
 * failed (its row says why; run the job again to retry it), 2 bad input.
 */
public final class SweepJob {
    /** The Spark setting naming the CLI on every node: {@code --conf spark.perennial.cli=/opt/perennial/bin/perennial}. */
    public static final String CLI_CONF = "spark.perennial.cli";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    private static final String USAGE = "usage: SweepJob SWEEP.yaml | --plan PLAN.json [--out DIR] [--runs DIR]"
            + " [--parallel N] [--cli PATH] [--baseline LEARNER]";

    private SweepJob() {}

    /** The command line. */
    record Options(Path sweepFile, Path planFile, String out, String runs, Integer parallel, String cli,
                   String baseline) {}

    /**
     * Runs the job in its own Spark session and exits with the job's code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int code;
        try {
            Options o = parse(args);
            SweepPlan plan = plan(o, System.err);
            int n = o.parallel() != null ? o.parallel() : plan.parallel();
            SparkConf conf = new SparkConf();
            SparkSession.Builder b = SparkSession.builder().appName("perennial sweep " + plan.sweep());
            if (!conf.contains("spark.master")) {
                b.master("local[" + n + "]");
            }
            if (!conf.contains("spark.speculation")) {
                b.config("spark.speculation", "false"); // a run started twice would only cost time
            }
            if (!conf.contains("spark.sql.shuffle.partitions")) {
                b.config("spark.sql.shuffle.partitions", Integer.toString(Math.max(1, n)));
            }
            SparkSession spark = b.getOrCreate();
            try {
                code = execute(spark, o, plan, System.out);
            } finally {
                spark.stop();
            }
        } catch (IllegalArgumentException e) {
            System.err.println("perennial-spark: " + e.getMessage());
            code = BAD_INPUT;
        }
        System.exit(code);
    }

    /**
     * Runs the job in a session the caller owns.
     *
     * @param spark the session
     * @param out where the table and progress go
     * @param args the command line
     * @return the exit code
     */
    static int run(SparkSession spark, PrintStream out, String... args) {
        try {
            Options o = parse(args);
            return execute(spark, o, plan(o, out), out);
        } catch (IllegalArgumentException e) {
            out.println("perennial-spark: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    static Options parse(String[] args) {
        Path sweep = null;
        Path plan = null;
        String out = null;
        String runs = null;
        Integer parallel = null;
        String cli = null;
        String baseline = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value; " + USAGE);
            }
            switch (a) {
                case "--plan" -> plan = Path.of(args[++i]);
                case "--out" -> out = args[++i];
                case "--runs" -> runs = args[++i];
                case "--cli" -> cli = args[++i];
                case "--baseline" -> baseline = args[++i];
                case "--parallel" -> {
                    try {
                        parallel = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        parallel = -1;
                    }
                    if (parallel < 1 || parallel > 256) {
                        throw new IllegalArgumentException("--parallel must be 1-256, was " + args[i]);
                    }
                }
                default -> {
                    if (a.startsWith("-") || sweep != null) {
                        throw new IllegalArgumentException("unexpected argument '" + a + "'; " + USAGE);
                    }
                    sweep = Path.of(a);
                }
            }
        }
        if ((sweep == null) == (plan == null)) {
            throw new IllegalArgumentException("give a sweep file or --plan, not both or neither; " + USAGE);
        }
        return new Options(sweep, plan, out, runs, parallel, cli, baseline);
    }

    /** The CLI given for every node: --cli, else spark.perennial.cli, else null. */
    private static String givenCli(Options o) {
        if (o.cli() != null) {
            return o.cli();
        }
        SparkConf conf = new SparkConf();
        return conf.contains(CLI_CONF) ? conf.get(CLI_CONF) : null;
    }

    /** $PERENNIAL_HOME/bin/perennial, or null. */
    private static String homeCli() {
        String home = System.getenv("PERENNIAL_HOME");
        return home == null || home.isEmpty() ? null : Path.of(home, "bin", "perennial").toString();
    }

    /**
     * The plan: read from --plan, or written by the CLI from the sweep file ({@code perennial sweep FILE
     * --write-plan ...}), which expands and checks the grid with the SDK.
     */
    static SweepPlan plan(Options o, PrintStream progress) {
        if (o.planFile() != null) {
            return SweepPlan.read(o.planFile());
        }
        String cli = givenCli(o) != null ? givenCli(o) : homeCli();
        if (cli == null) {
            throw new IllegalArgumentException("no perennial CLI to expand " + o.sweepFile() + ": give --cli PATH,"
                    + " --conf " + CLI_CONF + "=PATH or PERENNIAL_HOME");
        }
        try {
            Path tmp = Files.createTempFile("perennial-sweep-plan", ".json");
            List<String> c = new ArrayList<>(List.of(cli, "sweep", o.sweepFile().toString(), "--write-plan",
                    tmp.toString()));
            String runs = runsFolder(o, null);
            if (runs != null) {
                c.addAll(List.of("--out", runs));
            }
            progress.println("perennial-spark: expanding " + o.sweepFile() + " with " + cli);
            Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalArgumentException(o.sweepFile() + ": the CLI refused the sweep (exit code " + code
                        + "): " + text.strip());
            }
            try {
                return SweepPlan.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot run " + cli + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while expanding " + o.sweepFile(), e);
        }
    }

    /** The point folders' root: --runs, else --out when it is a local path, else the plan's (null: none yet). */
    private static String runsFolder(Options o, SweepPlan plan) {
        if (o.runs() != null) {
            return o.runs();
        }
        if (o.out() != null && isLocal(o.out())) {
            return Path.of(o.out()).toAbsolutePath().toString();
        }
        if (o.out() != null) {
            throw new IllegalArgumentException("--out " + o.out() + " is not a local path: give --runs DIR, a folder"
                    + " every executor sees at the same path, for the point folders");
        }
        return plan == null ? null : plan.directory();
    }

    private static boolean isLocal(String path) {
        if (!path.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return true;
        }
        return URI.create(path).getScheme().equals("file");
    }

    /** The rows' columns: fixed ones, then one per other axis (by path, as sweep.csv). */
    static StructType schema(SweepPlan plan) {
        List<StructField> f = new ArrayList<>();
        f.add(field("point", DataTypes.StringType, false));
        f.add(field("learner", DataTypes.StringType, false));
        f.add(field("seed", DataTypes.LongType, false));
        f.add(field("group", DataTypes.StringType, false));
        f.add(field("pairKey", DataTypes.StringType, false));
        for (String a : plan.axes()) {
            f.add(field(a, DataTypes.StringType, true));
        }
        f.add(field("status", DataTypes.StringType, false));
        f.add(field("exitCode", DataTypes.IntegerType, true));
        for (String m : ReportMetrics.COLUMNS) {
            f.add(field(m, DataTypes.DoubleType, true));
        }
        f.add(field("seconds", DataTypes.DoubleType, true));
        f.add(field("wallSeconds", DataTypes.DoubleType, true));
        f.add(field("attempt", DataTypes.IntegerType, false));
        f.add(field("host", DataTypes.StringType, false));
        f.add(field("runDirectory", DataTypes.StringType, true));
        f.add(field("message", DataTypes.StringType, false));
        f.add(field("report", DataTypes.StringType, true));
        return new StructType(f.toArray(new StructField[0]));
    }

    private static StructField field(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }

    static int execute(SparkSession spark, Options o, SweepPlan plan, PrintStream out) {
        String runs = runsFolder(o, plan);
        if (runs == null) {
            throw new IllegalArgumentException("no folder for the runs: give --out DIR (or --runs DIR)");
        }
        String folder = o.out() != null ? o.out() : runs;
        // --cli or spark.perennial.cli, else the plan's launcher (the java command of the CLI that wrote it), else
        // $PERENNIAL_HOME/bin/perennial.
        List<String> launcher;
        String cli = givenCli(o);
        if (cli != null) {
            launcher = List.of(cli);
        } else if (!plan.launcher().isEmpty()) {
            launcher = plan.launcher();
        } else if (homeCli() != null) {
            launcher = List.of(homeCli());
        } else {
            throw new IllegalArgumentException("no perennial CLI for the points: give --cli PATH or --conf "
                    + CLI_CONF + "=PATH (the same path on every node)");
        }
        out.println("perennial-spark: sweep " + plan.sweep() + ": " + plan.points().size() + " points on "
                + spark.sparkContext().master() + ", runs in " + runs + ", tables in " + folder);
        out.flush();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("perennial sweep " + plan.sweep());
        // One task per point; collected once, so writing the tables never runs a point again.
        List<Row> rows = jsc.parallelize(plan.points(), plan.points().size())
                .map(new PointTask(launcher, plan.base(), runs, plan.axes())).collect();
        Dataset<Row> ds = spark.createDataFrame(rows, schema(plan));
        ds.write().mode(SaveMode.Overwrite).parquet(folder + "/runs.parquet");
        ds.drop("report").coalesce(1).write().mode(SaveMode.Overwrite).option("header", true)
                .csv(folder + "/runs.csv");
        Dataset<Row> summary = summary(ds);
        summary.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).csv(folder + "/summary.csv");
        out.print(table(summary.collectAsList()));
        if (o.baseline() != null) {
            Dataset<Row> paired = paired(ds, o.baseline());
            paired.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).csv(folder + "/paired.csv");
            out.println("paired differences against " + o.baseline() + " (same seed and other axes):");
            for (Row r : paired.collectAsList()) {
                out.printf(Locale.ROOT, "  %-30s  %2d pairs  avg inc. acc. %s  last acc. %s%n", r.getString(0),
                        r.getLong(1), meanStd(r, 2), meanStd(r, 4));
            }
        }
        StructType schema = ds.schema();
        int status = schema.fieldIndex("status");
        long failed = 0;
        for (Row r : rows) {
            if ("failed".equals(r.getString(status))) {
                failed++;
                out.println("FAILED " + r.getString(schema.fieldIndex("point")) + ": "
                        + r.getString(schema.fieldIndex("message")));
            }
        }
        out.println("wrote " + folder + "/runs.parquet, runs.csv and summary.csv");
        out.flush();
        return failed > 0 ? FAILED : OK;
    }

    /** Per group: points, finished points, then mean and sample std of every metric. */
    static Dataset<Row> summary(Dataset<Row> ds) {
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(col("averageIncrementalAccuracy")).as("finished"));
        for (String m : ReportMetrics.COLUMNS) {
            aggs.add(avg(col(m)).as(m + "_mean"));
            aggs.add(stddev_samp(col(m)).as(m + "_std"));
        }
        return ds.groupBy(col("group")).agg(count(lit(1)).as("points"), aggs.toArray(new Column[0]))
                .orderBy(col("group"));
    }

    /**
     * Per group of another learner: the differences to the baseline learner's run with the same pair key (seed and
     * other axes), their count, mean and sample std, for average incremental and last accuracy.
     */
    static Dataset<Row> paired(Dataset<Row> ds, String baseline) {
        Dataset<Row> b = ds.filter(col("learner").equalTo(baseline)).select(col("pairKey").as("bKey"),
                col("averageIncrementalAccuracy").as("bAvg"), col("lastAccuracy").as("bLast"));
        Dataset<Row> d = ds.filter(col("learner").notEqual(baseline))
                .join(b, col("pairKey").equalTo(col("bKey")))
                .withColumn("dAvg", col("averageIncrementalAccuracy").minus(col("bAvg")))
                .withColumn("dLast", col("lastAccuracy").minus(col("bLast")));
        return d.groupBy(col("group")).agg(count(col("dAvg")).as("pairs"), avg(col("dAvg")).as("avgIncAcc_diff_mean"),
                stddev_samp(col("dAvg")).as("avgIncAcc_diff_std"), avg(col("dLast")).as("lastAcc_diff_mean"),
                stddev_samp(col("dLast")).as("lastAcc_diff_std")).orderBy(col("group"));
    }

    static String table(List<Row> summary) {
        int width = Math.max(5, summary.stream().mapToInt(r -> r.getString(0).length()).max().orElse(5));
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%-" + width + "s  %5s  %-15s  %-15s  %-15s  %-15s%n", "group", "runs",
                "avg inc. acc.", "last acc.", "forgetting", "BWT"));
        for (Row r : summary) {
            t.append(String.format(Locale.ROOT, "%-" + width + "s  %2d/%-2d", r.getString(0), r.getLong(2),
                    r.getLong(1)));
            for (int i = 0; i < ReportMetrics.COLUMNS.size(); i++) {
                t.append("  ").append(String.format(Locale.ROOT, "%-15s", meanStd(r, 3 + 2 * i)));
            }
            t.append('\n');
        }
        return t.toString();
    }

    private static String meanStd(Row r, int i) {
        if (r.isNullAt(i)) {
            return "-";
        }
        if (r.isNullAt(i + 1) || Double.isNaN(r.getDouble(i + 1))) {
            return String.format(Locale.ROOT, "%.4f", r.getDouble(i));
        }
        return String.format(Locale.ROOT, "%.4f ± %.4f", r.getDouble(i), r.getDouble(i + 1));
    }
}
