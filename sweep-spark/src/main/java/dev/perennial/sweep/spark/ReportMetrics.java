package dev.perennial.sweep.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The numbers of a run's {@code report.json} that a sweep's table holds: its summary's average incremental
 * accuracy, last accuracy, forgetting and BWT, and the total seconds. A value that is not a number (the report
 * writes NaN as {@code null} or as the string {@code "NaN"}) is null.
 *
 * @param averageIncrementalAccuracy the summary's average incremental accuracy
 * @param lastAccuracy the summary's last accuracy
 * @param forgetting the summary's forgetting
 * @param backwardTransfer the summary's BWT
 * @param seconds {@code timings.total}
 */
public record ReportMetrics(Double averageIncrementalAccuracy, Double lastAccuracy, Double forgetting,
                            Double backwardTransfer, Double seconds) {
    /** The metric columns, in order. */
    public static final List<String> COLUMNS = List.of("averageIncrementalAccuracy", "lastAccuracy", "forgetting",
            "backwardTransfer");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the numbers from a report's text.
     *
     * @param reportJson the text of report.json
     * @return the numbers
     * @throws IOException when the text is not JSON with a summary (a report cut short)
     */
    public static ReportMetrics parse(String reportJson) throws IOException {
        JsonNode root = JSON.readTree(reportJson);
        if (root == null || !root.path("summary").isObject()) {
            throw new IOException("no summary in the report");
        }
        JsonNode s = root.get("summary");
        return new ReportMetrics(number(s.get("averageIncrementalAccuracy")), number(s.get("lastAccuracy")),
                number(s.get("forgetting")), number(s.get("backwardTransfer")),
                number(root.path("timings").get("total")));
    }

    /**
     * A number, or null for a missing value, {@code null}, {@code "NaN"} or an infinity.
     *
     * @param v the node
     * @return the value or null
     */
    static Double number(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.asText());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
    }

    /**
     * The values in {@link #COLUMNS}' order.
     *
     * @return four values, each possibly null
     */
    public Double[] values() {
        return new Double[] {averageIncrementalAccuracy, lastAccuracy, forgetting, backwardTransfer};
    }

    /**
     * A finished run in a point's folder (as {@code perennial sweep} decides): the newest run folder whose
     * {@code report.json} parses with a summary.
     *
     * @param pointDirectory the point's folder
     * @return the run folder, or empty
     * @throws IOException when the folder cannot be listed
     */
    public static Optional<Path> finishedRun(Path pointDirectory) throws IOException {
        if (!Files.isDirectory(pointDirectory)) {
            return Optional.empty();
        }
        List<Path> runs;
        try (Stream<Path> s = Files.list(pointDirectory)) {
            runs = s.filter(d -> Files.isRegularFile(d.resolve("report.json")))
                    .sorted(Comparator.comparing((Path d) -> d.getFileName().toString()).reversed()).toList();
        }
        for (Path run : runs) {
            try {
                parse(Files.readString(run.resolve("report.json")));
                return Optional.of(run);
            } catch (IOException e) {
                // cut short while being written: not finished
            }
        }
        return Optional.empty();
    }
}
