package dev.perennial.samples;

import dev.perennial.api.RunReport;
import dev.perennial.api.events.AccuracyTable;
import dev.perennial.api.report.HtmlReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** What {@code run}, {@code resume} and {@code report} print when they end. */
final class RunOutput {
    private RunOutput() {}

    static void printEnd(RunReport report, PrintWriter out) {
        out.println();
        out.print(AccuracyTable.format(report));
        out.printf(Locale.ROOT, "run folder: %s (report.json, metrics.jsonl, metrics-*.csv, checkpoints/)%n", report.runDirectory());
        out.printf(Locale.ROOT, "report: %s%n", Path.of(report.runDirectory()).resolve(HtmlReport.FILE_NAME));
        out.flush();
    }
}
