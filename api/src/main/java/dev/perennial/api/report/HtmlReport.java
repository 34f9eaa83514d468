package dev.perennial.api.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.RunReport;
import dev.perennial.api.TaskLossTerms;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.metrics.ContinualSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The run report as one self-contained HTML page ({@code report.html} beside {@code report.json}): the accuracy
 * matrix as a heatmap, the accuracy on each task as training goes on, forgetting per task, the training-loss
 * curves, timings, plugins with versions, the environment and the experiment's configuration.
 *
 * <p>Self-contained means: inline CSS and inline SVG only, no script, no font or image fetched from anywhere; a
 * Content-Security-Policy of {@code default-src 'none'} makes a browser refuse any request the page might make,
 * so it can be mailed or archived and still opens the same offline.
 *
 * <p>The DOM has stable classes that tests (and people who post-process reports) can count: one
 * {@code rect.cell} per matrix entry (rows × tasks, with class {@code na} added where not evaluated), one
 * {@code path.task-curve} per task, one {@code rect.forgetting-bar} per task but the last, one
 * {@code path.loss-curve} per task that took optimizer steps, one {@code rect.timing-bar} per timed phase.
 */
public final class HtmlReport {
    /** The file name in the run folder. */
    public static final String FILE_NAME = "report.html";

    /** Colors of tasks 0, 1, ... in every chart (cycled beyond ten tasks). */
    private static final String[] TASK_COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    /** Anchors of the heatmap's sequential scale (dark blue-purple to yellow), evenly spaced over [0, 1]. */
    private static final int[][] SCALE = {{0x44, 0x01, 0x54}, {0x3b, 0x52, 0x8b}, {0x21, 0x91, 0x8c},
        {0x5e, 0xc9, 0x62}, {0xfd, 0xe7, 0x25}};

    /** Loss curves longer than this are drawn as means of equal buckets, to keep the file small. */
    private static final int MAX_LOSS_POINTS = 400;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HtmlReport() {}

    /**
     * Writes the page.
     *
     * @param report the run's report
     * @param config the experiment that ran, or null when unknown (the page then says so)
     * @param file where to write, normally {@code runDirectory/report.html}
     * @return the file
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static Path write(RunReport report, ExperimentConfig config, Path file) {
        try {
            Files.writeString(file, render(report, Optional.ofNullable(config)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the HTML report " + file, e);
        }
        return file;
    }

    /**
     * The page as text.
     *
     * @param report the run's report
     * @param config the experiment that ran, if known
     * @return a complete HTML document
     */
    public static String render(RunReport report, Optional<ExperimentConfig> config) {
        double[][] matrix = report.accuracyMatrix() == null ? new double[0][] : report.accuracyMatrix();
        List<String> tasks = report.tasks() == null ? List.of() : report.tasks();
        StringBuilder page = new StringBuilder(32_768);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(HtmlText.escape(report.experiment())).append(" — Perennial run report</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        header(page, report, tasks);
        summary(page, report);
        section(page, "matrix", report.metric() + " matrix",
                "Row i: the score on every task after training task i (blank: not evaluated).",
                heatmap(matrix, tasks, report.metric()) + taskLegend(tasks));
        section(page, "curves", report.metric() + " on each task as training goes on",
                "One line per task: its score after each training task" + (hasBefore(report)
                        ? ", starting from the score before any training." : "."),
                accuracyCurves(matrix, tasks, report.beforeTraining(), report.metric()));
        section(page, "forgetting", "Forgetting per task",
                "f_j = max over l ≤ T−2 of a[l][j] − a[T−1][j] (Chaudhry et al., 2018): how far each task fell from"
                        + " its best score by the end; the last task cannot have forgotten yet.",
                forgetting(matrix, tasks));
        section(page, "loss", "Training loss",
                "The weighted total loss at every optimizer step, one color per task; dashed lines mark where a"
                        + " task begins.", lossCurves(report.lossCurves(), tasks));
        if (!report.lossTerms().isEmpty()) {
            section(page, "loss-terms", "Loss terms per task",
                    "Each term the learner and the distillers returned (before the experiment's loss weights), averaged"
                            + " over the task's logged steps, and over the first and the last tenth of them.",
                    lossTermTable(report.lossTerms(), tasks));
        }
        otherMetrics(page, report, tasks);
        section(page, "timings", "Timings", "Wall-clock seconds of the run's phases; cpu: CPU seconds of the process"
                + " (user + system, all threads) while the loop ran.", timings(report.timings()));
        section(page, "plugins", "Plugins", null, pluginTable(report.plugins()));
        section(page, "environment", "Environment", null, environment(report));
        section(page, "config", "Experiment configuration",
                "As the run used it, with every default filled in (also in experiment.json).",
                config.map(c -> "<pre class=\"config\">" + HtmlText.escape(json(ExperimentFiles.toTree(c)))
                        + "</pre>").orElse("<p class=\"note\">Not available for this report.</p>"));
        if (report.pluginValues() != null && !report.pluginValues().isEmpty()) {
            section(page, "state", "Plugin state at the end", "The plain values each plugin checkpoints.",
                    "<pre class=\"config\">" + HtmlText.escape(json(report.pluginValues())) + "</pre>");
        }
        page.append("<footer>Written by Perennial from report.json in ")
                .append(HtmlText.escape(report.runDirectory())).append("</footer>\n</main>\n</body>\n</html>\n");
        return page.toString();
    }

    /**
     * Forgetting of each task but the last (Chaudhry et al., 2018, Eq. 10), with T the number of matrix rows:
     * {@code f_j = max_{l=0..T−2} a[l][j] − a[T−1][j]} over the evaluated entries. Its mean over j is the
     * summary's forgetting {@code F}.
     *
     * @param matrix the accuracy matrix rows, row i after training task i
     * @return f_0 … f_{T−2}; {@code NaN} where task j has no score to compare; empty when T &lt; 2
     */
    public static double[] forgettingPerTask(double[][] matrix) {
        int t = matrix.length;
        if (t < 2) {
            return new double[0];
        }
        double[] f = new double[t - 1];
        for (int j = 0; j < t - 1; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < t - 1; l++) {
                if (j < matrix[l].length && !Double.isNaN(matrix[l][j])) {
                    best = Math.max(best, matrix[l][j]);
                }
            }
            double last = j < matrix[t - 1].length ? matrix[t - 1][j] : Double.NaN;
            f[j] = best == Double.NEGATIVE_INFINITY || Double.isNaN(last) ? Double.NaN : best - last;
        }
        return f;
    }

    // ---------------------------------------------------------------- sections

    private static void header(StringBuilder page, RunReport r, List<String> tasks) {
        page.append("<header>\n<h1>").append(HtmlText.escape(r.experiment())).append("</h1>\n<p class=\"sub\">")
                .append(tasks.size()).append(tasks.size() == 1 ? " task" : " tasks").append(" · metric ")
                .append(HtmlText.escape(r.metric())).append(" · device ").append(HtmlText.escape(r.device()))
                .append(" · run folder <code>").append(HtmlText.escape(r.runDirectory())).append("</code></p>\n")
                .append("</header>\n");
    }

    private static void summary(StringBuilder page, RunReport r) {
        ContinualSummary s = r.summary();
        Map<String, String> cards = new LinkedHashMap<>();
        if (s != null) {
            cards.put("average incremental " + r.metric(), HtmlText.number(s.averageIncrementalAccuracy()));
            cards.put("last " + r.metric(), HtmlText.number(s.lastAccuracy()));
            cards.put("forgetting", HtmlText.number(s.forgetting()));
            cards.put("backward transfer", HtmlText.number(s.backwardTransfer()));
            cards.put("forward transfer", HtmlText.number(s.forwardTransfer()));
        }
        cards.put("skipped steps (NaN guard)", Long.toString(r.nanSkips()));
        Double total = r.timings() == null ? null : r.timings().get("total");
        cards.put("total time", total == null ? "n/a" : HtmlText.seconds(total));
        page.append("<section id=\"summary\" class=\"cards\">\n");
        cards.forEach((k, v) -> page.append("<div class=\"card\"><div class=\"value\">").append(HtmlText.escape(v))
                .append("</div><div class=\"label\">").append(HtmlText.escape(k)).append("</div></div>\n"));
        page.append("</section>\n");
    }

    private static void section(StringBuilder page, String id, String title, String note, String content) {
        page.append("<section id=\"").append(id).append("\">\n<h2>").append(HtmlText.escape(title)).append("</h2>\n");
        if (note != null) {
            page.append("<p class=\"note\">").append(HtmlText.escape(note)).append("</p>\n");
        }
        page.append(content).append("</section>\n");
    }

    /**
     * The accuracy-matrix heatmap as an {@code <svg class="heatmap">} with one {@code rect.cell} per entry, for the
     * pages beside the run report (the sweep comparison report draws each method's mean matrix with it).
     *
     * @param matrix the rows, row i after training task i ({@code NaN}: not evaluated)
     * @param tasks the task names
     * @param metric the metric's name
     * @return the element's text
     */
    public static String heatmap(double[][] matrix, List<String> tasks, String metric) {
        int cols = Math.max(tasks.size(), Arrays.stream(matrix).mapToInt(r -> r.length).max().orElse(0));
        int rows = matrix.length;
        if (rows == 0 || cols == 0) {
            return "<p class=\"note\">No task was evaluated.</p>\n";
        }
        double[] domain = domain(matrix);
        int cell = Math.max(18, Math.min(64, 640 / Math.max(rows, cols)));
        boolean text = cell >= 34;
        int left = 84;
        int top = 30;
        int legend = 70;
        int width = left + cols * cell + legend;
        int height = top + rows * cell + 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg class=\"heatmap\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                + " role=\"img\" aria-label=\"%s matrix\">%n", width, height, width, height, HtmlText.escape(metric)));
        for (int j = 0; j < cols; j++) {
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                    + "T%d<title>%s</title></text>%n", left + (j + 0.5) * cell, top - 10, j,
                    HtmlText.escape(j < tasks.size() ? tasks.get(j) : "task " + j)));
        }
        for (int i = 0; i < rows; i++) {
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
                    + "after T%d</text>%n", left - 8, top + (i + 0.5) * cell + 4, i));
            for (int j = 0; j < cols; j++) {
                double v = j < matrix[i].length ? matrix[i][j] : Double.NaN;
                boolean na = !Double.isFinite(v);
                double u = na ? 0 : (v - domain[0]) / (domain[1] - domain[0]);
                String fill = na ? "#f1f1f1" : color(u);
                String task = j < tasks.size() ? tasks.get(j) : "task " + j;
                svg.append(String.format(Locale.ROOT, "<rect class=\"cell%s\" x=\"%d\" y=\"%d\" width=\"%d\""
                        + " height=\"%d\" fill=\"%s\" data-row=\"%d\" data-col=\"%d\" data-value=\"%s\"><title>after"
                        + " training T%d, %s on %s: %s</title></rect>%n", na ? " na" : "", left + j * cell,
                        top + i * cell, cell - 1, cell - 1, fill, i, j, na ? "" : Double.toString(v), i,
                        HtmlText.escape(metric), HtmlText.escape(task), na ? "not evaluated" : HtmlText.number(v)));
                if (text && !na) {
                    svg.append(String.format(Locale.ROOT, "<text class=\"cell-value\" x=\"%.1f\" y=\"%.1f\""
                            + " text-anchor=\"middle\" style=\"fill:%s\">%s</text>%n", left + j * cell + (cell - 1) / 2.0,
                            top + i * cell + (cell - 1) / 2.0 + 4, u > 0.6 ? "#222" : "#fff",
                            String.format(Locale.ROOT, "%.2f", v)));
                }
            }
        }
        // The color scale: a vertical gradient from the domain's top (yellow) to its bottom.
        int lx = left + cols * cell + 18;
        int lh = rows * cell - 1;
        svg.append("<defs><linearGradient id=\"heat-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int k = 0; k < SCALE.length; k++) {
            svg.append(String.format(Locale.ROOT, "<stop offset=\"%.2f\" stop-color=\"%s\"/>",
                    k / (double) (SCALE.length - 1), color(k / (double) (SCALE.length - 1))));
        }
        svg.append("</linearGradient></defs>\n");
        svg.append(String.format(Locale.ROOT, "<rect class=\"scale\" x=\"%d\" y=\"%d\" width=\"12\" height=\"%d\""
                + " fill=\"url(#heat-scale)\"/>%n", lx, top, lh));
        svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\">%s</text>%n", lx + 16, top + 8,
                HtmlText.number(domain[1])));
        svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\">%s</text>%n", lx + 16,
                top + lh, HtmlText.number(domain[0])));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String taskLegend(List<String> tasks) {
        StringBuilder sb = new StringBuilder("<ul class=\"legend\">\n");
        for (int j = 0; j < tasks.size(); j++) {
            sb.append("<li><span class=\"swatch\" style=\"background:").append(taskColor(j)).append("\"></span>T")
                    .append(j).append(" = ").append(HtmlText.escape(tasks.get(j))).append("</li>\n");
        }
        return sb.append("</ul>\n").toString();
    }

    private static String accuracyCurves(double[][] matrix, List<String> tasks, double[] before, String metric) {
        int rows = matrix.length;
        int cols = Math.max(tasks.size(), Arrays.stream(matrix).mapToInt(r -> r.length).max().orElse(0));
        if (rows == 0 || cols == 0) {
            return "<p class=\"note\">No task was evaluated.</p>\n";
        }
        boolean withBefore = before != null && Arrays.stream(before).anyMatch(Double::isFinite);
        double[] domain = domain(matrix);
        if (withBefore) {
            for (double b : before) {
                if (Double.isFinite(b)) {
                    domain[0] = Math.min(domain[0], b);
                    domain[1] = Math.max(domain[1], b);
                }
            }
        }
        int first = withBefore ? -1 : 0;
        SvgChart chart = new SvgChart(760, 320, first - 0.3, rows - 1 + 0.3, domain[0], domain[1]);
        List<SvgChart.Tick> xTicks = new ArrayList<>();
        for (int i = first; i < rows; i++) {
            xTicks.add(new SvgChart.Tick(i, i < 0 ? "before" : "after T" + i));
        }
        chart.axes(xTicks, SvgChart.niceTicks(domain[0], domain[1], 5), "training progress", metric);
        for (int j = 0; j < cols; j++) {
            double[] xs = new double[rows - first];
            double[] ys = new double[rows - first];
            for (int i = first; i < rows; i++) {
                xs[i - first] = i;
                ys[i - first] = i < 0 ? (j < before.length ? before[j] : Double.NaN)
                        : j < matrix[i].length ? matrix[i][j] : Double.NaN;
            }
            String label = "T" + j + (j < tasks.size() ? " " + tasks.get(j) : "");
            chart.line("task-curve", new SvgChart.Series(label, taskColor(j), xs, ys), true);
        }
        return chart.svg("accuracy-curves", metric + " per task") + taskLegend(tasks);
    }

    private static String forgetting(double[][] matrix, List<String> tasks) {
        double[] f = forgettingPerTask(matrix);
        if (f.length == 0) {
            return "<p class=\"note\">Forgetting needs at least two trained tasks.</p>\n";
        }
        double lo = 0;
        double hi = 0;
        for (double v : f) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double pad = Math.max(0.05, (hi - lo) * 0.15);
        SvgChart chart = new SvgChart(Math.max(360, Math.min(760, 120 + 70 * f.length)), 260, -0.6, f.length - 0.4,
                lo < 0 ? lo - pad : 0, hi + pad);
        List<SvgChart.Tick> xTicks = new ArrayList<>();
        for (int j = 0; j < f.length; j++) {
            xTicks.add(new SvgChart.Tick(j, "T" + j));
        }
        chart.axes(xTicks, SvgChart.niceTicks(lo < 0 ? lo - pad : 0, hi + pad, 4), "task", "forgetting");
        for (int j = 0; j < f.length; j++) {
            String task = j < tasks.size() ? tasks.get(j) : "task " + j;
            chart.bar("forgetting-bar", j, 0.3, Double.isFinite(f[j]) ? f[j] : 0, taskColor(j),
                    HtmlText.number(f[j]), "T" + j + " " + task + ": forgetting " + HtmlText.number(f[j]));
        }
        return chart.svg("forgetting", "forgetting per task");
    }

    private static String lossCurves(List<List<Double>> curves, List<String> tasks) {
        if (curves == null || curves.stream().allMatch(c -> c == null || c.isEmpty())) {
            return "<p class=\"note\">No optimizer step was recorded.</p>\n";
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long steps = 0;
        for (List<Double> c : curves) {
            if (c == null) {
                continue;
            }
            for (Double v : c) {
                if (v != null && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            steps += c.size();
        }
        if (lo == Double.POSITIVE_INFINITY) {
            return "<p class=\"note\">Every recorded loss was NaN or infinite.</p>\n";
        }
        double y0 = Math.min(0, lo);
        double y1 = hi + (hi - y0) * 0.05;
        SvgChart chart = new SvgChart(760, 320, 0, Math.max(1, steps), y0, y1);
        chart.axes(SvgChart.niceTicks(0, steps, 8), SvgChart.niceTicks(y0, y1, 5), "optimizer step", "loss");
        long offset = 0;
        boolean bucketed = false;
        for (int t = 0; t < curves.size(); t++) {
            List<Double> c = curves.get(t) == null ? List.of() : curves.get(t);
            if (c.isEmpty()) {
                continue;
            }
            if (offset > 0) {
                chart.vertical(offset, "T" + t + " begins at step " + offset);
            }
            int points = Math.min(c.size(), MAX_LOSS_POINTS);
            bucketed |= points < c.size();
            double[] xs = new double[points];
            double[] ys = new double[points];
            for (int p = 0; p < points; p++) {
                int from = (int) ((long) p * c.size() / points);
                int to = (int) ((long) (p + 1) * c.size() / points);
                double sum = 0;
                int n = 0;
                for (int k = from; k < to; k++) {
                    Double v = c.get(k);
                    if (v != null && Double.isFinite(v)) {
                        sum += v;
                        n++;
                    }
                }
                // x: the bucket's last step (steps count from 1 within the run).
                xs[p] = offset + to;
                ys[p] = n == 0 ? Double.NaN : sum / n;
            }
            String label = "T" + t + (t < tasks.size() ? " " + tasks.get(t) : "");
            chart.line("loss-curve", new SvgChart.Series(label, taskColor(t), xs, ys), points == 1);
            offset += c.size();
        }
        return chart.svg("loss-curves", "training loss") + (bucketed ? "<p class=\"note\">Long tasks are drawn as"
                + " means of " + MAX_LOSS_POINTS + " equal groups of steps.</p>\n" : "") + taskLegend(tasks);
    }

    private static void otherMetrics(StringBuilder page, RunReport r, List<String> tasks) {
        if (r.otherMetrics() == null) {
            return;
        }
        for (Map.Entry<String, double[][]> e : r.otherMetrics().entrySet()) {
            StringBuilder table = new StringBuilder("<table class=\"matrix\">\n<tr><th></th>");
            double[][] m = e.getValue();
            int cols = Math.max(tasks.size(), Arrays.stream(m).mapToInt(x -> x.length).max().orElse(0));
            for (int j = 0; j < cols; j++) {
                table.append("<th>T").append(j).append("</th>");
            }
            table.append("</tr>\n");
            for (int i = 0; i < m.length; i++) {
                table.append("<tr><th>after T").append(i).append("</th>");
                for (int j = 0; j < cols; j++) {
                    double v = j < m[i].length ? m[i][j] : Double.NaN;
                    table.append("<td>").append(Double.isFinite(v) ? HtmlText.number(v) : "").append("</td>");
                }
                table.append("</tr>\n");
            }
            table.append("</table>\n");
            section(page, "metric-" + e.getKey().replaceAll("[^A-Za-z0-9-]", "-"), e.getKey() + " matrix", null,
                    table.toString());
        }
    }

    private static String timings(Map<String, Double> timings) {
        if (timings == null || timings.isEmpty()) {
            return "<p class=\"note\">No timings recorded.</p>\n";
        }
        Map<String, Double> phases = new LinkedHashMap<>(timings);
        // CPU seconds (all threads) are not a phase of the wall-clock total; they are listed in the table only.
        phases.remove(RunReport.CPU_TIMING);
        Double total = phases.remove("total");
        if (total != null) {
            double rest = total - phases.values().stream().mapToDouble(Double::doubleValue).sum();
            if (rest > 0.05 * total) {
                phases.put("other", rest);
            }
        }
        double hi = phases.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        SvgChart chart = new SvgChart(Math.max(360, 120 + 90 * phases.size()), 240, -0.6, phases.size() - 0.4, 0,
                Math.max(hi * 1.15, 1e-3));
        List<SvgChart.Tick> xTicks = new ArrayList<>();
        List<String> names = new ArrayList<>(phases.keySet());
        for (int k = 0; k < names.size(); k++) {
            xTicks.add(new SvgChart.Tick(k, names.get(k)));
        }
        chart.axes(xTicks, SvgChart.niceTicks(0, Math.max(hi * 1.15, 1e-3), 4), "phase", "seconds");
        for (int k = 0; k < names.size(); k++) {
            double v = phases.get(names.get(k));
            chart.bar("timing-bar", k, 0.3, v, "#4c78a8", HtmlText.seconds(v), names.get(k) + ": "
                    + HtmlText.seconds(v));
        }
        StringBuilder table = new StringBuilder("<table class=\"kv\">\n");
        timings.forEach((k, v) -> table.append("<tr><th>").append(HtmlText.escape(k)).append("</th><td>")
                .append(HtmlText.seconds(v)).append("</td></tr>\n"));
        return chart.svg("timings", "timings") + table.append("</table>\n");
    }

    private static String lossTermTable(List<TaskLossTerms> terms, List<String> tasks) {
        StringBuilder t = new StringBuilder("<table class=\"plugins\">\n<tr><th>task</th><th>term</th>"
                + "<th>mean</th><th>first tenth</th><th>last tenth</th><th>logged steps</th></tr>\n");
        for (TaskLossTerms task : terms) {
            String name = task.task() < tasks.size() ? tasks.get(task.task()) : String.valueOf(task.task());
            for (Map.Entry<String, Double> e : task.mean().entrySet()) {
                t.append("<tr><td>").append(HtmlText.escape(name)).append("</td><td><code>")
                        .append(HtmlText.escape(e.getKey())).append("</code></td><td>").append(number(e.getValue()))
                        .append("</td><td>").append(number(task.first().get(e.getKey()))).append("</td><td>")
                        .append(number(task.last().get(e.getKey()))).append("</td><td>").append(task.loggedSteps())
                        .append("</td></tr>\n");
            }
        }
        return t.append("</table>\n").toString();
    }

    private static String number(Double v) {
        return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String pluginTable(List<Map<String, String>> plugins) {
        if (plugins == null || plugins.isEmpty()) {
            return "<p class=\"note\">No plugins recorded.</p>\n";
        }
        StringBuilder t = new StringBuilder("<table class=\"plugins\">\n<tr><th>slot</th><th>plugin</th>"
                + "<th>version</th></tr>\n");
        for (Map<String, String> p : plugins) {
            t.append("<tr><td>").append(HtmlText.escape(p.get("slot"))).append("</td><td><code>")
                    .append(HtmlText.escape(p.get("name"))).append("</code></td><td>")
                    .append(HtmlText.escape(p.get("version"))).append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String environment(RunReport r) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("device", r.device());
        if (r.environment() != null) {
            env.putAll(r.environment());
        }
        StringBuilder t = new StringBuilder("<table class=\"kv\">\n");
        env.forEach((k, v) -> t.append("<tr><th>").append(HtmlText.escape(k)).append("</th><td>")
                .append(HtmlText.escape(v)).append("</td></tr>\n"));
        return t.append("</table>\n").toString();
    }

    // ---------------------------------------------------------------- helpers

    private static boolean hasBefore(RunReport r) {
        return r.beforeTraining() != null && Arrays.stream(r.beforeTraining()).anyMatch(Double::isFinite);
    }

    /** The color range: [0, 1] widened to every finite entry, so accuracies share one scale across runs. */
    private static double[] domain(double[][] matrix) {
        double lo = 0;
        double hi = 1;
        for (double[] row : matrix) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return new double[] {lo, hi};
    }

    /** Linear interpolation between the scale's anchors, for u in [0, 1]. */
    private static String color(double u) {
        double x = Math.max(0, Math.min(1, u)) * (SCALE.length - 1);
        int k = Math.min(SCALE.length - 2, (int) Math.floor(x));
        double f = x - k;
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            rgb[c] = (int) Math.round(SCALE[k][c] + f * (SCALE[k + 1][c] - SCALE[k][c]));
        }
        return String.format(Locale.ROOT, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    }

    /**
     * The report's style sheet, for the pages beside it.
     *
     * @return the CSS text
     */
    public static String stylesheet() {
        return CSS;
    }

    /**
     * The color of series {@code k} in every chart (ten colors, cycled).
     *
     * @param task the series' index
     * @return a CSS color
     */
    public static String taskColor(int task) {
        return TASK_COLORS[task % TASK_COLORS.length];
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report's JSON part", e);
        }
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            body { margin: 0; background: #fafafa; color: #1d1d1f;
                   font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 40px; }
            header h1 { margin: 0 0 4px; font-size: 26px; }
            .sub { margin: 0; color: #555; }
            code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
            section { background: #fff; border: 1px solid #e3e3e3; border-radius: 8px; padding: 14px 18px;
                      margin: 18px 0; overflow-x: auto; }
            h2 { margin: 0 0 6px; font-size: 17px; }
            .note { margin: 0 0 10px; color: #666; font-size: 13px; }
            .cards { display: flex; flex-wrap: wrap; gap: 10px; background: none; border: none; padding: 0; }
            .card { flex: 1 1 96px; background: #fff; border: 1px solid #e3e3e3; border-radius: 8px;
                    padding: 10px 12px; }
            .card .value { font-size: 22px; font-weight: 600; }
            .card .label { color: #666; font-size: 12px; }
            svg { display: block; max-width: 100%; height: auto; }
            svg text { font-size: 11px; fill: #333; }
            svg .axis-title { font-size: 12px; fill: #444; }
            svg .cell-value { font-size: 11px; font-weight: 600; }
            svg .grid { stroke: #ececec; }
            svg .axis { stroke: #888; }
            svg .boundary { stroke: #aaa; stroke-dasharray: 4 3; }
            svg path { fill: none; stroke-width: 2; stroke-linejoin: round; }
            svg .loss-curve { stroke-width: 1.5; }
            svg .bar-label { font-size: 10.5px; }
            .legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 16px;
                      font-size: 12.5px; }
            .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
            table { border-collapse: collapse; font-size: 13px; }
            th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
            table.matrix td { text-align: right; font-variant-numeric: tabular-nums; }
            pre.config { background: #f6f6f6; padding: 10px; border-radius: 6px; max-height: 420px; overflow: auto;
                         margin: 0; }
            footer { color: #888; font-size: 12px; margin-top: 24px; }
            """;
}
