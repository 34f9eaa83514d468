package dev.perennial.samples.sweep.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.report.HtmlReport;
import dev.perennial.api.report.HtmlText;
import dev.perennial.api.report.SvgChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sweep-report.html}: a sweep's comparison as one self-contained page, the sibling of the run's
 * {@code report.html} (its style sheet and charts; inline CSS and SVG, no script, nothing fetched, the same
 * Content-Security-Policy), and {@code sweep-comparison.json} with the same numbers.
 *
 * <p>Stable DOM classes for tests and post-processing: one {@code tr.method-row} per method, one
 * {@code tr.comparison-row} per (metric, method other than the baseline), one {@code path.method-curve} per method
 * with a finished run, one {@code svg.heatmap} (with its {@code rect.cell}s) per method with a finished run, one
 * {@code rect.time-bar} per method. Numbers are also in {@code data-*} attributes at full precision.
 */
public final class SweepReportPage {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SweepReportPage() {}

    /**
     * Writes {@code sweep-report.html} and {@code sweep-comparison.json} into the sweep's folder.
     *
     * @param c the comparison
     * @param folder the sweep's folder
     * @return the page's file
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static Path write(SweepComparison c, Path folder) {
        Path page = folder.resolve(SweepComparison.PAGE);
        Path json = folder.resolve(SweepComparison.JSON_FILE);
        try {
            Files.createDirectories(folder);
            Files.writeString(page, render(c, folder), StandardCharsets.UTF_8);
            JSON.writeValue(json.toFile(), json(c));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sweep's comparison " + page + " / " + json, e);
        }
        return page;
    }

    /**
     * The page as text.
     *
     * @param c the comparison
     * @param folder the sweep's folder (the points' links are relative to it)
     * @return a complete HTML document
     */
    public static String render(SweepComparison c, Path folder) {
        StringBuilder page = new StringBuilder(65_536);
        long finished = c.points().stream().filter(PointRun::finished).count();
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(c.sweep())).append(" — Perennial sweep comparison</title>\n")
                .append("<style>").append(HtmlReport.stylesheet()).append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<main class=\"wide\">\n<header>\n<h1>").append(esc(c.sweep())).append("</h1>\n<p class=\"sub\">")
                .append(c.methods().size()).append(" methods · ").append(finished).append(" of ")
                .append(c.points().size()).append(" runs finished · metric ").append(esc(c.metricName()))
                .append(" · baseline <b>").append(esc(c.baseline())).append("</b></p>\n</header>\n");
        section(page, "methods", "Methods",
                "Mean ± sample standard deviation over the seeds that finished, and below it the 95 % confidence"
                        + " interval of the mean from Student's t: mean ± t(0.975, n−1)·s/√n (no interval for one"
                        + " seed). Forgetting: lower is better. A metric plugin's other matrix (e.g. worst-group"
                        + " accuracy) is compared by the mean of its last row.", methodsTable(c));
        section(page, "comparison", "Against the baseline (" + c.baseline() + "), paired by seed",
                "Δ = method − baseline on the seeds both finished, mean and 95 % t interval (green: better for"
                        + " the method, red: worse; for forgetting lower is better). Paired t-test"
                        + " (two-sided): the headline test, since with a few seeds it is the one that can reach 5 %;"
                        + " it assumes the differences are roughly normal. Holm: its p adjusted over the methods"
                        + " compared on that metric. Wilcoxon signed-rank (two-sided, exact, zero differences"
                        + " dropped): no normality assumption, but with m nonzero pairs its smallest p is 2/2^m, so"
                        + " below 6 pairs it cannot reach 0.05 (marked †). Statistics: Apache Commons Math 3.",
                comparisonTable(c));
        section(page, "curves", "Learning curves",
                "Mean over seeds of A_k, the " + c.metricName() + " on the tasks seen after training task k; the"
                        + " whiskers are ± one standard deviation.", curves(c));
        section(page, "matrices", "Mean " + c.metricName() + " matrices",
                "Per method, the element-wise mean over its finished runs: row i after training task i, column j the"
                        + " score on task j (task positions, so runs with different class orders average by"
                        + " position).", matrices(c));
        section(page, "costs", "Run time and CPU time",
                "Per run: wall-clock seconds of the training loop, and the CPU seconds (user + system, all threads)"
                        + " its process spent meanwhile; n/a for runs written before CPU time was recorded.",
                costs(c));
        section(page, "points", "Runs", "Every point of the grid; a finished one links to its own report.",
                pointsTable(c, folder));
        page.append("<footer>Written by Perennial from the sweep's sweep.json and report.json files.</footer>\n")
                .append("</main>\n</body>\n</html>\n");
        return page.toString();
    }

    private static void section(StringBuilder page, String id, String title, String note, String content) {
        page.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title)).append("</h2>\n");
        if (note != null) {
            page.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        page.append(content).append("</section>\n");
    }

    private static String methodsTable(SweepComparison c) {
        StringBuilder t = new StringBuilder("<table class=\"stats\">\n<tr><th>method</th><th>runs</th>");
        c.metrics().forEach(m -> t.append("<th>").append(esc(m.label())).append("</th>"));
        t.append("</tr>\n");
        for (SweepComparison.Method m : c.methods()) {
            t.append("<tr class=\"method-row\" data-method=\"").append(esc(m.label())).append("\"><th>")
                    .append(swatch(c, m.label())).append(esc(m.label()))
                    .append(m.label().equals(c.baseline()) ? " <span class=\"tag\">baseline</span>" : "")
                    .append("</th><td>").append(m.finished()).append('/').append(m.points().size()).append("</td>");
            for (SweepComparison.Metric metric : c.metrics()) {
                t.append(cell(metric.key(), m.values().get(metric.key())));
            }
            t.append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String cell(String key, MeanInterval v) {
        StringBuilder s = new StringBuilder("<td class=\"stat\" data-metric=\"").append(key).append("\" data-n=\"")
                .append(v.n()).append("\" data-mean=\"").append(data(v.mean())).append("\" data-std=\"")
                .append(data(v.std())).append("\" data-low=\"").append(data(v.low())).append("\" data-high=\"")
                .append(data(v.high())).append("\">");
        if (v.n() == 0) {
            return s.append("n/a</td>").toString();
        }
        s.append(num(v.mean()));
        if (v.n() > 1) {
            s.append(" ± ").append(num(v.std())).append("<div class=\"ci\">[").append(num(v.low())).append(", ")
                    .append(num(v.high())).append("]</div>");
        }
        return s.append("</td>").toString();
    }

    private static String comparisonTable(SweepComparison c) {
        if (c.comparisons().isEmpty()) {
            return "<p class=\"note\">Only one method: nothing to compare.</p>\n";
        }
        StringBuilder t = new StringBuilder("<table class=\"stats\">\n<tr><th>metric</th><th>method</th><th>pairs</th>"
                + "<th>mean Δ [95 % CI]</th><th>paired t p</th><th>Holm p</th><th>Wilcoxon p</th></tr>\n");
        for (SweepComparison.Comparison k : c.comparisons()) {
            SweepComparison.Metric metric = c.metrics().stream().filter(m -> m.key().equals(k.metric()))
                    .findFirst().orElseThrow();
            PairedTest p = k.test();
            MeanInterval d = p.difference();
            String direction = !Double.isFinite(d.mean()) || d.mean() == 0 ? "same"
                    : (d.mean() > 0) == metric.higherIsBetter() ? "better" : "worse";
            t.append("<tr class=\"comparison-row\" data-metric=\"").append(k.metric()).append("\" data-method=\"")
                    .append(esc(k.method())).append("\" data-pairs=\"").append(p.n()).append("\" data-mean=\"")
                    .append(data(d.mean())).append("\" data-low=\"").append(data(d.low())).append("\" data-high=\"")
                    .append(data(d.high())).append("\" data-t-p=\"").append(data(p.tP())).append("\" data-holm-p=\"")
                    .append(data(k.holmTP())).append("\" data-wilcoxon-p=\"").append(data(p.wilcoxonP()))
                    .append("\"><td>").append(esc(metric.label())).append("</td><td>").append(esc(k.method()))
                    .append("</td><td>").append(p.n()).append("</td><td class=\"").append(direction)
                    .append("\">").append(p.n() == 0 ? "n/a" : signed(d.mean()));
            if (p.n() > 1) {
                t.append(" [").append(signed(d.low())).append(", ").append(signed(d.high())).append(']');
            }
            t.append("</td><td>").append(pValue(p.tP())).append("</td><td>").append(pValue(k.holmTP()))
                    .append("</td><td>").append(pValue(p.wilcoxonP()));
            if (p.n() > 0 && !p.wilcoxonCanReach05()) {
                t.append(String.format(Locale.ROOT, " <span class=\"dagger\" title=\"with %d nonzero pairs the"
                        + " smallest possible p is %.4f\">†</span>", p.nonZero(),
                        PairedTest.smallestWilcoxonP(p.nonZero())));
            }
            t.append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String curves(SweepComparison c) {
        int tasks = c.methods().stream().mapToInt(m -> m.curve().length).max().orElse(0);
        if (tasks == 0) {
            return "<p class=\"note\">No run finished.</p>\n";
        }
        double lo = 1;
        double hi = 0;
        for (SweepComparison.Method m : c.methods()) {
            for (MeanInterval v : m.curve()) {
                double s = Double.isFinite(v.std()) ? v.std() : 0;
                if (Double.isFinite(v.mean())) {
                    lo = Math.min(lo, v.mean() - s);
                    hi = Math.max(hi, v.mean() + s);
                }
            }
        }
        // [0, 1] widened to every mean ± std, as the run report's curves, so pages compare at a glance.
        lo = Math.min(0, lo);
        hi = Math.max(1, hi);
        SvgChart chart = new SvgChart(820, 340, -0.3, tasks - 1 + 0.3, lo, hi);
        List<SvgChart.Tick> xTicks = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            xTicks.add(new SvgChart.Tick(k, "after T" + k));
        }
        chart.axes(xTicks, SvgChart.niceTicks(lo, hi, 5), "training progress", "A_k (" + c.metricName() + ")");
        int i = 0;
        for (SweepComparison.Method m : c.methods()) {
            String color = HtmlReport.taskColor(i++);
            if (m.curve().length == 0) {
                continue;
            }
            double[] xs = new double[m.curve().length];
            double[] ys = new double[m.curve().length];
            for (int k = 0; k < xs.length; k++) {
                xs[k] = k;
                ys[k] = m.curve()[k].mean();
                double s = m.curve()[k].std();
                if (Double.isFinite(s) && s > 0 && Double.isFinite(ys[k])) {
                    chart.line("curve-error", new SvgChart.Series(m.label() + " ± std", color,
                            new double[] {k, k}, new double[] {ys[k] - s, ys[k] + s}), false);
                }
            }
            chart.line("method-curve", new SvgChart.Series(m.label(), color, xs, ys), true);
        }
        return chart.svg("method-curves", "learning curves per method") + legend(c);
    }

    private static String matrices(SweepComparison c) {
        StringBuilder s = new StringBuilder("<div class=\"grid\">\n");
        for (SweepComparison.Method m : c.methods()) {
            s.append("<figure class=\"method-matrix\"><figcaption>").append(swatch(c, m.label())).append(esc(m.label()))
                    .append(" · ").append(m.finished()).append(m.finished() == 1 ? " run" : " runs")
                    .append("</figcaption>\n");
            s.append(m.finished() == 0 ? "<p class=\"note\">No run finished.</p>\n"
                    : HtmlReport.heatmap(m.meanMatrix(), m.tasks(), c.metricName()));
            s.append("</figure>\n");
        }
        return s.append("</div>\n").toString();
    }

    private static String costs(SweepComparison c) {
        StringBuilder t = new StringBuilder("<table class=\"stats\">\n<tr><th>method</th>");
        SweepComparison.COSTS.forEach(m -> t.append("<th>").append(esc(m.label())).append("</th>"));
        t.append("</tr>\n");
        double hi = 0;
        for (SweepComparison.Method m : c.methods()) {
            t.append("<tr class=\"cost-row\"><th>").append(swatch(c, m.label())).append(esc(m.label())).append("</th>");
            for (SweepComparison.Metric metric : SweepComparison.COSTS) {
                MeanInterval v = m.values().get(metric.key());
                t.append(cell(metric.key(), v));
                if (Double.isFinite(v.mean())) {
                    hi = Math.max(hi, v.mean());
                }
            }
            t.append("</tr>\n");
        }
        t.append("</table>\n");
        int n = c.methods().size();
        SvgChart chart = new SvgChart(Math.max(360, Math.min(900, 140 + 110 * n)), 260, -0.6, n - 0.4, 0,
                Math.max(hi * 1.2, 1e-3));
        List<SvgChart.Tick> xTicks = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            xTicks.add(new SvgChart.Tick(k, shortLabel(c.methods().get(k).label())));
        }
        chart.axes(xTicks, SvgChart.niceTicks(0, Math.max(hi * 1.2, 1e-3), 4), "method", "seconds per run");
        for (int k = 0; k < n; k++) {
            SweepComparison.Method m = c.methods().get(k);
            MeanInterval wall = m.values().get("seconds");
            MeanInterval cpu = m.values().get("cpuSeconds");
            double w = Double.isFinite(wall.mean()) ? wall.mean() : 0;
            chart.bar("time-bar", k - 0.17, 0.15, w, HtmlReport.taskColor(k), HtmlText.seconds(wall.mean()),
                    m.label() + ": run time " + HtmlText.seconds(wall.mean()));
            double u = Double.isFinite(cpu.mean()) ? cpu.mean() : 0;
            chart.bar("cpu-bar", k + 0.17, 0.15, u, "#9a9a9a", Double.isFinite(cpu.mean()) ? "cpu" : "cpu n/a",
                    m.label() + ": CPU time " + HtmlText.seconds(cpu.mean()));
        }
        return chart.svg("costs", "run time and CPU time per method") + t;
    }

    private static String pointsTable(SweepComparison c, Path folder) {
        StringBuilder t = new StringBuilder("<table class=\"stats points\">\n<tr><th>point</th><th>method</th>"
                + "<th>seed</th>");
        c.metrics().forEach(m -> t.append("<th>").append(esc(m.label())).append("</th>"));
        t.append("<th>run time</th><th>CPU time</th></tr>\n");
        for (PointRun p : c.points()) {
            t.append("<tr class=\"point-row").append(p.finished() ? "" : " failed").append("\"><td>");
            if (p.finished() && p.runDirectory() != null) {
                t.append("<a href=\"").append(esc(link(folder, p.runDirectory()))).append("\">").append(esc(p.point()))
                        .append("</a>");
            } else {
                t.append(esc(p.point())).append(" <span class=\"tag\">not finished</span>");
            }
            t.append("</td><td>").append(esc(p.method())).append("</td><td>").append(p.seed()).append("</td>");
            for (SweepComparison.Metric m : c.metrics()) {
                t.append("<td>").append(p.report() == null ? "" : num(m.value().applyAsDouble(p.report()))).append("</td>");
            }
            for (SweepComparison.Metric m : SweepComparison.COSTS) {
                t.append("<td>").append(p.report() == null ? "" : HtmlText.seconds(m.value().applyAsDouble(p.report())))
                        .append("</td>");
            }
            t.append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    /** The run's report page, relative to the sweep's folder when it lies inside it. */
    private static String link(Path folder, Path run) {
        Path page = run.resolve("report.html");
        Path f = folder.toAbsolutePath().normalize();
        Path r = page.toAbsolutePath().normalize();
        String rel = r.startsWith(f) ? f.relativize(r).toString() : r.toUri().toString();
        return rel.replace('\\', '/');
    }

    private static String legend(SweepComparison c) {
        StringBuilder s = new StringBuilder("<ul class=\"legend\">\n");
        for (SweepComparison.Method m : c.methods()) {
            s.append("<li>").append(swatch(c, m.label())).append(esc(m.label())).append("</li>\n");
        }
        return s.append("</ul>\n").toString();
    }

    private static String swatch(SweepComparison c, String method) {
        int i = 0;
        for (SweepComparison.Method m : c.methods()) {
            if (m.label().equals(method)) {
                break;
            }
            i++;
        }
        return "<span class=\"swatch\" style=\"background:" + HtmlReport.taskColor(i) + "\"></span>";
    }

    private static String shortLabel(String label) {
        return label.length() <= 18 ? label : label.substring(0, 17) + "…";
    }

    private static ObjectNode json(SweepComparison c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("sweep", c.sweep());
        root.put("metric", c.metricName());
        root.put("baseline", c.baseline());
        root.put("interval", "95 % Student t: mean ± t(0.975, n-1) s / sqrt(n)");
        root.put("tests", "two-sided paired t-test (headline; Holm-adjusted per metric) and Wilcoxon signed-rank"
                + " (exact up to 30 nonzero pairs, zero differences dropped), Apache Commons Math 3");
        ArrayNode methods = root.putArray("methods");
        for (SweepComparison.Method m : c.methods()) {
            ObjectNode o = methods.addObject();
            o.put("method", m.label());
            o.put("runs", m.points().size());
            o.put("finished", m.finished());
            ObjectNode values = o.putObject("values");
            m.values().forEach((k, v) -> values.set(k, interval(v)));
            ArrayNode curve = o.putArray("incrementalAccuracies");
            for (MeanInterval v : m.curve()) {
                curve.add(interval(v));
            }
            ArrayNode matrix = o.putArray("meanMatrix");
            for (double[] row : m.meanMatrix()) {
                ArrayNode r = matrix.addArray();
                for (double v : row) {
                    number(r, v);
                }
            }
        }
        ArrayNode comparisons = root.putArray("comparisons");
        for (SweepComparison.Comparison k : c.comparisons()) {
            ObjectNode o = comparisons.addObject();
            o.put("method", k.method());
            o.put("metric", k.metric());
            o.put("pairs", k.test().n());
            o.set("difference", interval(k.test().difference()));
            put(o, "pairedTP", k.test().tP());
            put(o, "holmTP", k.holmTP());
            put(o, "wilcoxonP", k.test().wilcoxonP());
            o.put("wilcoxonNonZeroPairs", k.test().nonZero());
            o.put("wilcoxonCanReach005", k.test().wilcoxonCanReach05());
        }
        return root;
    }

    private static ObjectNode interval(MeanInterval v) {
        ObjectNode o = JSON.createObjectNode();
        o.put("n", v.n());
        put(o, "mean", v.mean());
        put(o, "std", v.std());
        put(o, "ciLow", v.low());
        put(o, "ciHigh", v.high());
        return o;
    }

    private static void put(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }

    private static void number(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
    }

    private static String esc(String s) {
        return HtmlText.escape(s);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    private static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.4f", v) : "n/a";
    }

    private static String pValue(double p) {
        if (!Double.isFinite(p)) {
            return "n/a";
        }
        return p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    private static String data(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static final String CSS = """
            main.wide { max-width: 1240px; }
            table.stats td, table.stats th { vertical-align: top; }
            table.stats td.stat { font-variant-numeric: tabular-nums; white-space: nowrap; }
            .ci { color: #666; font-size: 12px; }
            td.better { color: #1a7f37; font-variant-numeric: tabular-nums; }
            td.worse { color: #b3261e; font-variant-numeric: tabular-nums; }
            td.same { font-variant-numeric: tabular-nums; }
            .tag { background: #eef; color: #334; border-radius: 4px; padding: 0 5px; font-size: 11px;
                   font-weight: normal; }
            .dagger { color: #888; }
            div.grid { display: flex; flex-wrap: wrap; gap: 14px; }
            figure.method-matrix { margin: 0; }
            figure.method-matrix figcaption { font-weight: 600; margin-bottom: 4px; }
            svg .curve-error { stroke-width: 1.2; opacity: 0.55; }
            tr.failed td { color: #999; }
            """;
}
