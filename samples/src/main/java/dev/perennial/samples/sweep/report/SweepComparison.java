package dev.perennial.samples.sweep.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.metrics.ContinualSummary;
import dev.perennial.samples.sweep.SweepFile;
import dev.perennial.samples.sweep.SweepPoint;
import dev.perennial.samples.sweep.SweepRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The comparison of a sweep's methods: per method, each summary metric's mean, standard deviation and 95 % t
 * interval over its seeds, the mean accuracy matrix and learning curve, run and CPU time; per method other than the
 * baseline, the paired differences on the seeds both finished with a paired t-test (Holm-adjusted over the methods
 * of each metric) and a Wilcoxon signed-rank test ({@link PairedTest}).
 *
 * <p>A method is a learner and its position on the sweep's other axes; points of one method differ only in the
 * seed, and two methods' points with the same seed are a pair (with {@code seeds: paired}, the same initial model and
 * batches where their data paths coincide).
 */
public final class SweepComparison {
    /** The file name of {@link SweepReportPage} in the sweep's folder. */
    public static final String PAGE = "sweep-report.html";
    /** The comparison as JSON, beside the page. */
    public static final String JSON_FILE = "sweep-comparison.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * A compared number of a run.
     *
     * @param key its JSON name
     * @param label its name on the page
     * @param higherIsBetter whether a positive difference is an improvement
     * @param value reads it from a report (NaN when absent)
     */
    public record Metric(String key, String label, boolean higherIsBetter, ToDoubleFunction<RunReport> value) {}

    /** The four summary metrics, compared with paired tests. */
    public static final List<Metric> METRICS = List.of(
            new Metric("averageIncrementalAccuracy", "average incremental accuracy", true,
                    r -> summary(r, ContinualSummary::averageIncrementalAccuracy)),
            new Metric("lastAccuracy", "last accuracy", true, r -> summary(r, ContinualSummary::lastAccuracy)),
            new Metric("forgetting", "forgetting", false, r -> summary(r, ContinualSummary::forgetting)),
            new Metric("backwardTransfer", "backward transfer (BWT)", true,
                    r -> summary(r, ContinualSummary::backwardTransfer)));

    /**
     * A metric plugin's other matrix, compared by the mean of its last row (the score on every task after the last
     * one trained; with one task, the score), higher taken as better.
     *
     * @param name the metric's name in the reports' {@code otherMetrics}
     * @return the metric
     */
    public static Metric other(String name) {
        return new Metric("other:" + name, name + " (last row)", true, r -> lastRow(r.otherMetrics() == null ? null
                : r.otherMetrics().get(name)));
    }

    private static double lastRow(double[][] m) {
        if (m == null || m.length == 0) {
            return Double.NaN;
        }
        double[] row = m[m.length - 1];
        double sum = 0;
        int n = 0;
        for (double v : row) {
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Run time and CPU time (summarised, not tested). */
    public static final List<Metric> COSTS = List.of(
            new Metric("seconds", "run time (s, wall clock)", false, r -> timing(r, "total")),
            new Metric("cpuSeconds", "CPU time (s, user + system)", false, r -> timing(r, RunReport.CPU_TIMING)));

    /**
     * One method.
     *
     * @param label its label
     * @param points its points, in grid order
     * @param finished how many finished
     * @param values per metric key ({@link #metrics()} and {@link #COSTS}), the summary over its finished seeds
     * @param tasks the task names of its first finished run
     * @param meanMatrix the accuracy matrices' element-wise mean over its finished runs (NaN: no run evaluated it)
     * @param curve the mean of A_k, the accuracy on the tasks seen after task k, per k
     */
    public record Method(String label, List<PointRun> points, int finished, Map<String, MeanInterval> values,
                         List<String> tasks, double[][] meanMatrix, MeanInterval[] curve) {}

    /**
     * One method against the baseline on one metric.
     *
     * @param method the method's label
     * @param metric the metric's key
     * @param test the paired differences and tests
     * @param holmTP the paired t-test's p, Holm-adjusted over the methods compared on this metric
     */
    public record Comparison(String method, String metric, PairedTest test, double holmTP) {}

    private final String sweep;
    private final List<Metric> metrics;
    private final String metricName;
    private final String baseline;
    private final List<Method> methods;
    private final List<Comparison> comparisons;
    private final List<PointRun> points;

    private SweepComparison(String sweep, List<Metric> metrics, String metricName, String baseline,
                            List<Method> methods, List<Comparison> comparisons, List<PointRun> points) {
        this.sweep = sweep;
        this.metrics = List.copyOf(metrics);
        this.metricName = metricName;
        this.baseline = baseline;
        this.methods = List.copyOf(methods);
        this.comparisons = List.copyOf(comparisons);
        this.points = List.copyOf(points);
    }

    /** @return the sweep's name */
    public String sweep() {
        return sweep;
    }

    /** @return the compared metrics: {@link #METRICS}, then {@link #other} for each other matrix the runs have */
    public List<Metric> metrics() {
        return metrics;
    }

    /** @return the primary metric's name (the matrices' metric, e.g. accuracy) */
    public String metricName() {
        return metricName;
    }

    /** @return the baseline method's label */
    public String baseline() {
        return baseline;
    }

    /** @return the methods, in grid order */
    public List<Method> methods() {
        return methods;
    }

    /** @return each non-baseline method against the baseline, per metric, metrics in {@link #metrics()} order */
    public List<Comparison> comparisons() {
        return comparisons;
    }

    /** @return every point, in grid order */
    public List<PointRun> points() {
        return points;
    }

    /**
     * The methods' labels, in the order their first point comes in the grid.
     *
     * @param points the points
     * @return the labels
     */
    public static List<String> methods(List<PointRun> points) {
        return points.stream().map(PointRun::method).distinct().toList();
    }

    /**
     * The baseline: the requested method, or the first method when none was requested.
     *
     * @param requested the {@code --baseline} option or the sweep file's {@code baseline}, or null
     * @param methods the methods' labels
     * @param where the sweep file's or folder's name, for the message
     * @return the baseline's label
     * @throws ConfigException naming where and the methods there are, when the requested one is not among them
     */
    public static String baseline(String requested, List<String> methods, String where) {
        if (requested == null || requested.isBlank()) {
            if (methods.isEmpty()) {
                throw new ConfigException(where + ": the sweep has no points to compare");
            }
            return methods.get(0);
        }
        if (!methods.contains(requested)) {
            throw new ConfigException(where + ": baseline '" + requested + "' is not a method of the sweep; its methods"
                    + " are: " + String.join(", ", methods));
        }
        return requested;
    }

    /**
     * Compares the points' methods.
     *
     * @param sweep the sweep's name
     * @param points every point, in grid order
     * @param requestedBaseline the baseline method, or null for the first
     * @return the comparison
     */
    public static SweepComparison of(String sweep, List<PointRun> points, String requestedBaseline) {
        List<String> labels = methods(points);
        String base = baseline(requestedBaseline, labels, sweep);
        List<Metric> compared = new ArrayList<>(METRICS);
        points.stream().filter(p -> p.report() != null && p.report().otherMetrics() != null)
                .flatMap(p -> p.report().otherMetrics().keySet().stream()).distinct().sorted()
                .forEach(n -> compared.add(other(n)));
        List<Method> methods = new ArrayList<>();
        String metricName = null;
        for (String label : labels) {
            List<PointRun> mine = points.stream().filter(p -> p.method().equals(label)).toList();
            List<RunReport> done = mine.stream().filter(p -> p.finished() && p.report() != null)
                    .map(PointRun::report).toList();
            if (metricName == null && !done.isEmpty()) {
                metricName = done.get(0).metric();
            }
            Map<String, MeanInterval> values = new LinkedHashMap<>();
            for (Metric m : compared) {
                values.put(m.key(), MeanInterval.of(done.stream().mapToDouble(m.value()).toArray()));
            }
            for (Metric m : COSTS) {
                values.put(m.key(), MeanInterval.of(done.stream().mapToDouble(m.value()).toArray()));
            }
            List<String> tasks = done.isEmpty() || done.get(0).tasks() == null ? List.of() : done.get(0).tasks();
            methods.add(new Method(label, mine, done.size(), values, tasks, meanMatrix(done), curve(done)));
        }
        List<Comparison> comparisons = new ArrayList<>();
        List<PointRun> basePoints = points.stream().filter(p -> p.method().equals(base) && p.finished()
                && p.report() != null).toList();
        for (Metric metric : compared) {
            List<String> others = labels.stream().filter(l -> !l.equals(base)).toList();
            List<PairedTest> tests = new ArrayList<>();
            for (String label : others) {
                List<double[]> pairs = new ArrayList<>();
                for (PointRun p : points) {
                    if (!p.method().equals(label) || !p.finished() || p.report() == null) {
                        continue;
                    }
                    basePoints.stream().filter(b -> b.seed() == p.seed()).findFirst().ifPresent(b -> pairs.add(
                            new double[] {metric.value().applyAsDouble(p.report()),
                                metric.value().applyAsDouble(b.report())}));
                }
                tests.add(PairedTest.of(pairs.stream().mapToDouble(x -> x[0]).toArray(),
                        pairs.stream().mapToDouble(x -> x[1]).toArray()));
            }
            double[] holm = PairedTest.holm(tests.stream().mapToDouble(PairedTest::tP).toArray());
            for (int i = 0; i < others.size(); i++) {
                comparisons.add(new Comparison(others.get(i), metric.key(), tests.get(i), holm[i]));
            }
        }
        return new SweepComparison(sweep, compared, metricName == null ? "accuracy" : metricName, base, methods, comparisons,
                points);
    }

    /**
     * The comparison of a sweep that just ran.
     *
     * @param sweep the sweep
     * @param outcomes its points' outcomes, in grid order
     * @param baselineOption the command line's {@code --baseline}, or null for the sweep file's (or the first method)
     * @return the comparison
     */
    public static SweepComparison of(SweepFile sweep, List<SweepRunner.Outcome> outcomes, String baselineOption) {
        java.util.Set<String> varying = PointRun.varying(outcomes.stream().map(o -> o.point().axisValues()).toList());
        List<PointRun> points = outcomes.stream().map(o -> new PointRun(o.point().name(),
                PointRun.method(o.point().learner(), o.point().axisValues(), varying), o.point().seed(),
                o.report() != null, o.runDirectory(), o.report())).toList();
        return of(sweep.name(), points, baselineOption != null ? baselineOption : sweep.baseline());
    }

    /**
     * Checks, before anything runs, that the chosen baseline is one of the grid's methods.
     *
     * @param sweep the sweep
     * @param points its points
     * @param baselineOption the command line's {@code --baseline}, or null
     * @throws ConfigException naming the sweep file and the methods, when it is not
     */
    public static void checkBaseline(SweepFile sweep, List<SweepPoint> points, String baselineOption) {
        java.util.Set<String> varying = PointRun.varying(points.stream().map(SweepPoint::axisValues).toList());
        List<String> labels = points.stream().map(p -> PointRun.method(p.learner(), p.axisValues(), varying))
                .distinct().toList();
        String where = baselineOption != null ? "--baseline" : sweep.file().getFileName().toString();
        baseline(baselineOption != null ? baselineOption : sweep.baseline(), labels, where);
    }

    /**
     * Reads a sweep's folder: {@code sweep.json} and each point's {@code report.json}.
     *
     * @param folder the sweep's folder
     * @param requestedBaseline the baseline method, or null: the sweep file's {@code baseline} when that file still
     *     reads, else the first method
     * @return the comparison
     * @throws ConfigException naming the folder when it is not a sweep's folder
     */
    public static SweepComparison read(Path folder, String requestedBaseline) {
        Path file = folder.resolve("sweep.json");
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(folder + " has no sweep.json; give the folder `perennial sweep` wrote");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.path("points").isArray()) {
            throw new ConfigException(file + " has no points list; it is not a sweep's result");
        }
        List<Map<String, String>> allAxes = new ArrayList<>();
        for (JsonNode row : root.get("points")) {
            Map<String, String> axes = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.path("axes").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                axes.put(e.getKey(), e.getValue().asText());
            }
            allAxes.add(axes);
        }
        java.util.Set<String> varying = PointRun.varying(allAxes);
        List<PointRun> points = new ArrayList<>();
        int index = 0;
        for (JsonNode row : root.get("points")) {
            String point = row.path("point").asText();
            Map<String, String> axes = allAxes.get(index++);
            String method = PointRun.method(row.path("learner").asText(), axes, varying);
            long seed = row.path("seed").asLong();
            Path run = runDirectory(folder, point, row.path("runDirectory").asText(null));
            RunReport report = null;
            if (run != null && !"failed".equals(row.path("status").asText())) {
                try {
                    report = JSON.readValue(run.resolve("report.json").toFile(), RunReport.class);
                } catch (IOException e) {
                    report = null; // counted as not finished
                }
            }
            points.add(new PointRun(point, method, seed, report != null, run, report));
        }
        String requested = requestedBaseline;
        if (requested == null && root.hasNonNull("file")) {
            requested = sweepFileBaseline(Path.of(root.get("file").asText()));
        }
        String name = root.path("sweep").asText(folder.getFileName().toString());
        return of(name, points, requested);
    }

    /** The sweep file's baseline, when the file still reads; null otherwise. */
    private static String sweepFileBaseline(Path sweepFile) {
        if (!Files.isRegularFile(sweepFile)) {
            return null;
        }
        try {
            return SweepFile.read(sweepFile).baseline();
        } catch (ConfigException e) {
            return null;
        }
    }

    /**
     * The point's run folder: as sweep.json names it, else (the sweep folder moved, or a relative path from another
     * working folder) the folder of that name inside {@code SWEEP/POINT}.
     */
    private static Path runDirectory(Path folder, String point, String recorded) {
        if (recorded == null || recorded.isEmpty()) {
            return null;
        }
        Path given = Path.of(recorded);
        if (Files.isRegularFile(given.resolve("report.json"))) {
            return given;
        }
        Path moved = folder.resolve(point).resolve(given.getFileName());
        return Files.isDirectory(moved) ? moved : given;
    }

    private static double summary(RunReport r, ToDoubleFunction<ContinualSummary> f) {
        return r.summary() == null ? Double.NaN : f.applyAsDouble(r.summary());
    }

    private static double timing(RunReport r, String key) {
        Double v = r.timings() == null ? null : r.timings().get(key);
        return v == null ? Double.NaN : v;
    }

    /** The element-wise mean of the runs' matrices over the runs that evaluated each entry. */
    static double[][] meanMatrix(List<RunReport> runs) {
        int rows = runs.stream().mapToInt(r -> r.accuracyMatrix() == null ? 0 : r.accuracyMatrix().length).max()
                .orElse(0);
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            final int row = i;
            int cols = runs.stream().mapToInt(r -> r.accuracyMatrix() != null && row < r.accuracyMatrix().length
                    ? r.accuracyMatrix()[row].length : 0).max().orElse(0);
            out[i] = new double[cols];
            for (int j = 0; j < cols; j++) {
                double sum = 0;
                int n = 0;
                for (RunReport r : runs) {
                    double[][] m = r.accuracyMatrix();
                    if (m != null && i < m.length && j < m[i].length && Double.isFinite(m[i][j])) {
                        sum += m[i][j];
                        n++;
                    }
                }
                out[i][j] = n == 0 ? Double.NaN : sum / n;
            }
        }
        return out;
    }

    /** Per task k, the summary over the runs of A_k (the mean score on the tasks seen after training task k). */
    static MeanInterval[] curve(List<RunReport> runs) {
        int tasks = runs.stream().mapToInt(r -> r.summary() == null || r.summary().incrementalAccuracies() == null
                ? 0 : r.summary().incrementalAccuracies().size()).max().orElse(0);
        MeanInterval[] out = new MeanInterval[tasks];
        for (int k = 0; k < tasks; k++) {
            final int t = k;
            out[k] = MeanInterval.of(runs.stream().mapToDouble(r -> r.summary() != null
                    && r.summary().incrementalAccuracies() != null && t < r.summary().incrementalAccuracies().size()
                    && r.summary().incrementalAccuracies().get(t) != null
                    ? r.summary().incrementalAccuracies().get(t) : Double.NaN).toArray());
        }
        return out;
    }
}
