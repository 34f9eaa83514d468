package dev.perennial.api.events;

import dev.perennial.api.RunReport;
import java.util.Locale;

/** Formats a report's accuracy matrix and summary as a plain-text table. */
public final class AccuracyTable {
    private AccuracyTable() {}

    /**
     * The table: one row per trained task, one column per evaluated task, then the summary.
     *
     * @param report the report
     * @return the text
     */
    public static String format(RunReport report) {
        StringBuilder sb = new StringBuilder();
        int n = report.tasks().size();
        sb.append(String.format(Locale.ROOT, "%s matrix (row: after training task i; column: task j)%n",
                report.metric()));
        sb.append(String.format(Locale.ROOT, "%-12s", "trained\\eval"));
        for (int j = 0; j < n; j++) {
            sb.append(String.format(Locale.ROOT, "%9s", "T" + j));
        }
        sb.append(System.lineSeparator());
        double[][] m = report.accuracyMatrix();
        for (int i = 0; i < m.length; i++) {
            sb.append(String.format(Locale.ROOT, "%-12s", "T" + i));
            for (int j = 0; j < n; j++) {
                double v = j < m[i].length ? m[i][j] : Double.NaN;
                sb.append(Double.isNaN(v) ? String.format(Locale.ROOT, "%9s", "-")
                        : String.format(Locale.ROOT, "%9.4f", v));
            }
            sb.append(System.lineSeparator());
        }
        var s = report.summary();
        row(sb, "average incremental acc.", s.averageIncrementalAccuracy());
        row(sb, "last accuracy", s.lastAccuracy());
        row(sb, "forgetting", s.forgetting());
        row(sb, "backward transfer (BWT)", s.backwardTransfer());
        row(sb, "forward transfer (FWT)", s.forwardTransfer());
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, double v) {
        sb.append(Double.isNaN(v) ? String.format(Locale.ROOT, "%-28s %9s%n", name, "n/a")
                : String.format(Locale.ROOT, "%-28s %9.4f%n", name, v));
    }
}
