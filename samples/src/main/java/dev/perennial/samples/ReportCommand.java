package dev.perennial.samples;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.events.AccuracyTable;
import dev.perennial.api.events.CsvMetricsLog;
import dev.perennial.api.report.HtmlReport;
import dev.perennial.samples.sweep.report.SweepComparison;
import dev.perennial.samples.sweep.report.SweepReportPage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial report RUN_DIR}: renders {@code report.html} and {@code accuracy-matrix.csv} again from a run
 * folder's {@code report.json} (and {@code experiment.json}, when present), and prints the accuracy table. For
 * runs made by an older version, or a report page deleted or edited. Given a sweep's folder ({@code sweep.json}), it
 * renders the sweep's {@code sweep-report.html} again, against {@code --baseline} when given.
 */
@Command(name = "report", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Re-render report.html and accuracy-matrix.csv from a run folder's report.json, and print the"
                + " accuracy table; without --output, also metrics-steps.csv and metrics-evaluation.csv from"
                + " metrics.jsonl.",
            "accuracy-matrix.csv has one row per evaluation cell: metric, trained task, evaluated task, value.",
            "Given a sweep's folder (sweep.json), re-render its sweep-report.html and sweep-comparison.json instead."},
        footerHeading = "%n",
        footer = "Exit codes: 0 ok, 2 not a finished run folder (no report.json) or an unreadable report.")
final class ReportCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;

    /** The CSV file's name in the run folder (or {@code --output}). */
    static final String CSV = "accuracy-matrix.csv";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run folder with report.json, or a sweep's"
            + " folder with sweep.json.")
    Path runDirectory;

    @Option(names = "--baseline", paramLabel = "METHOD", description = "For a sweep's folder: the method the others"
            + " are tested against (default: the sweep file's baseline, else the first method).")
    String baseline;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Write report.html and " + CSV + " here instead of into the run folder.")
    Path output;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path json = runDirectory.resolve("report.json");
        if (!Files.isRegularFile(json) && Files.isRegularFile(runDirectory.resolve("sweep.json"))) {
            Path page = SweepReportPage.write(SweepComparison.read(runDirectory, baseline),
                    output == null ? runDirectory : output);
            spec.commandLine().getOut().printf(Locale.ROOT, "comparison: %s%n", page);
            spec.commandLine().getOut().flush();
            return PerennialCli.OK;
        }
        if (baseline != null) {
            throw new IllegalArgumentException("report: --baseline is for a sweep's folder (with sweep.json); "
                    + runDirectory + " has none");
        }
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException("report: " + runDirectory + (Files.isDirectory(runDirectory)
                    ? " has no report.json (the run has not finished; `perennial resume " + runDirectory
                    + "` finishes it)" : " does not exist") + "; give a run folder that `perennial run` made");
        }
        RunReport report;
        try {
            report = JSON.readValue(json.toFile(), RunReport.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("report: " + json + " cannot be read as a run report: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (report.tasks() == null || report.accuracyMatrix() == null) {
            throw new IllegalArgumentException("report: " + json + " has no tasks or accuracyMatrix; it is not a"
                    + " run report");
        }
        ExperimentConfig config = null;
        Path experiment = runDirectory.resolve("experiment.json");
        if (Files.isRegularFile(experiment)) {
            try {
                config = ExperimentFiles.read(experiment);
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("perennial: warning: " + e.getMessage()
                        + "; the page is rendered without the experiment");
            }
        }
        Path target = output == null ? runDirectory : output;
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot create " + target, e);
        }
        Path html = HtmlReport.write(report, config, target.resolve(HtmlReport.FILE_NAME));
        Path csv = target.resolve(CSV);
        try {
            Files.writeString(csv, csv(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot write " + csv, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(AccuracyTable.format(report));
        out.printf(Locale.ROOT, "report: %s%ncsv: %s%n", html, csv);
        if (output == null && Files.isRegularFile(runDirectory.resolve("metrics.jsonl"))) {
            // The per-step and per-cell tables, from the event log (a run made before they existed, or deleted).
            CsvMetricsLog.rebuild(runDirectory);
            out.printf(Locale.ROOT, "metrics: %s, %s%n", runDirectory.resolve(CsvMetricsLog.STEPS_FILE),
                    runDirectory.resolve(CsvMetricsLog.EVALUATION_FILE));
        }
        out.flush();
        return PerennialCli.OK;
    }

    /**
     * The report's matrices as CSV (RFC 4180): {@code metric,trained_task,trained,evaluated_task,evaluated,value},
     * one row per cell; a cell not evaluated has an empty value. The primary metric comes first, then the others
     * by name, then (when evaluated) the scores before training with {@code trained} = -1.
     *
     * @param report the report
     * @return the text
     */
    static String csv(RunReport report) {
        StringBuilder b = new StringBuilder("metric,trained_task,trained,evaluated_task,evaluated,value\r\n");
        Map<String, double[][]> matrices = new LinkedHashMap<>();
        matrices.put(report.metric(), report.accuracyMatrix());
        if (report.otherMetrics() != null) {
            report.otherMetrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> matrices.putIfAbsent(e.getKey(), e.getValue()));
        }
        List<String> tasks = report.tasks();
        for (var e : matrices.entrySet()) {
            double[][] m = e.getValue();
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m[i].length; j++) {
                    row(b, e.getKey(), task(tasks, i), i, task(tasks, j), j, m[i][j]);
                }
            }
        }
        double[] before = report.beforeTraining();
        if (before != null) {
            for (int j = 0; j < before.length; j++) {
                row(b, report.metric(), "", -1, task(tasks, j), j, before[j]);
            }
        }
        return b.toString();
    }

    private static String task(List<String> tasks, int i) {
        return i < tasks.size() ? tasks.get(i) : "T" + i;
    }

    private static void row(StringBuilder b, String metric, String trainedTask, int trained, String task, int j,
                            double value) {
        b.append(quote(metric)).append(',').append(quote(trainedTask)).append(',').append(trained).append(',')
                .append(quote(task)).append(',').append(j).append(',')
                .append(Double.isNaN(value) ? "" : Double.toString(value)).append("\r\n");
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
