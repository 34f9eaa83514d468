package dev.perennial.benchmarks.resume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares a (killed and resumed) run folder with an uninterrupted reference run folder, bit for bit: every field
 * of {@code report.json} except those that name where or how long a run ran ({@code runDirectory}, {@code timings},
 * {@code environment}), and the loss curve and evaluations of {@code metrics.jsonl}.
 *
 * <p>A resumed run appends to {@code metrics.jsonl}, so the steps between the newest checkpoint and the kill appear
 * more than once: every occurrence of a step must equal the reference's line of that global step (task, epoch,
 * task step, loss, learning rate, skipped, terms), every evaluation line must equal the reference's evaluation of
 * that task and metric, and the resumed log must cover exactly the reference's steps and evaluations. Wall-clock
 * fields ({@code time}, {@code samplesPerSecond}) and checkpoint paths are ignored. Numbers are compared as the
 * doubles Jackson parses (its output round-trips), so equal means bit-identical. A line that does not parse (a
 * write torn by the kill) is counted, not compared.
 */
public final class RunComparison {
    /** Top-level {@code report.json} fields that legitimately differ between two runs of one experiment. */
    public static final Set<String> IGNORED_REPORT_FIELDS = Set.of("runDirectory", "timings", "environment");
    private static final List<String> STEP_FIELDS = List.of("task", "epoch", "taskStep", "loss", "lr", "skipped",
            "terms");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunComparison() {}

    /**
     * The outcome of a comparison.
     *
     * @param difference the first differing field, empty when bit-identical
     * @param tornLines metrics.jsonl lines of the compared run that did not parse
     */
    public record Result(Optional<String> difference, int tornLines) {
        /**
         * Whether both runs are bit-identical.
         *
         * @return true when no field differs
         */
        public boolean identical() {
            return difference.isEmpty();
        }
    }

    /**
     * Compares two run folders.
     *
     * @param reference the uninterrupted run folder
     * @param run the run folder to check
     * @return the first difference, if any
     * @throws IOException when a file cannot be read
     */
    public static Result compare(Path reference, Path run) throws IOException {
        Path refReport = reference.resolve("report.json");
        Path runReport = run.resolve("report.json");
        if (!Files.isRegularFile(runReport)) {
            return new Result(Optional.of("report.json missing"), 0);
        }
        // The log first: its first difference names the global step where the runs part.
        Log refLog = Log.read(reference.resolve("metrics.jsonl"));
        Log runLog = Log.read(run.resolve("metrics.jsonl"));
        Optional<String> d = compareLogs(refLog, runLog);
        if (d.isPresent()) {
            return new Result(d, runLog.torn);
        }
        return new Result(compareReports(JSON.readTree(refReport.toFile()), JSON.readTree(runReport.toFile())),
                runLog.torn);
    }

    /**
     * The first difference between two {@code report.json} trees, ignoring {@link #IGNORED_REPORT_FIELDS}.
     *
     * @param reference the reference report
     * @param run the report to check
     * @return the path and both values of the first difference, or empty
     */
    public static Optional<String> compareReports(JsonNode reference, JsonNode run) {
        ObjectNode a = reference.deepCopy();
        ObjectNode b = run.deepCopy();
        a.remove(IGNORED_REPORT_FIELDS);
        b.remove(IGNORED_REPORT_FIELDS);
        return firstDifference("report.json", a, b);
    }

    /**
     * The first difference between two metrics logs given as text (one JSON object per line).
     *
     * @param reference the reference log
     * @param run the log to check
     * @return the first difference, or empty
     */
    public static Optional<String> compareLogs(String reference, String run) {
        return compareLogs(Log.parse(reference), Log.parse(run));
    }

    private static Optional<String> compareLogs(Log ref, Log run) {
        if (ref.duplicateSteps > 0) {
            return Optional.of("reference metrics.jsonl repeats a global step (not an uninterrupted run)");
        }
        for (Map.Entry<Long, List<JsonNode>> e : run.steps.entrySet()) {
            JsonNode expected = ref.steps.containsKey(e.getKey()) ? ref.steps.get(e.getKey()).get(0) : null;
            if (expected == null) {
                return Optional.of("metrics.jsonl step " + e.getKey() + ": not in the reference");
            }
            for (JsonNode actual : e.getValue()) {
                for (String f : STEP_FIELDS) {
                    Optional<String> d = firstDifference("metrics.jsonl step " + e.getKey() + " " + f,
                            expected.get(f), actual.get(f));
                    if (d.isPresent()) {
                        return d;
                    }
                }
            }
        }
        for (Long step : ref.steps.keySet()) {
            if (!run.steps.containsKey(step)) {
                return Optional.of("metrics.jsonl step " + step + ": missing");
            }
        }
        for (Map.Entry<String, List<JsonNode>> e : run.evaluations.entrySet()) {
            List<JsonNode> expected = ref.evaluations.get(e.getKey());
            if (expected == null) {
                return Optional.of("metrics.jsonl evaluation " + e.getKey() + ": not in the reference");
            }
            for (JsonNode actual : e.getValue()) {
                Optional<String> d = firstDifference("metrics.jsonl evaluation " + e.getKey() + " scores",
                        expected.get(0).get("scores"), actual.get("scores"));
                if (d.isPresent()) {
                    return d;
                }
            }
        }
        for (String key : ref.evaluations.keySet()) {
            if (!run.evaluations.containsKey(key)) {
                return Optional.of("metrics.jsonl evaluation " + key + ": missing");
            }
        }
        if (ref.runEnd != null) {
            if (run.runEnd == null) {
                return Optional.of("metrics.jsonl run-end: missing");
            }
            return firstDifference("metrics.jsonl run-end summary", ref.runEnd.get("summary"),
                    run.runEnd.get("summary"));
        }
        return Optional.empty();
    }

    /**
     * The first difference between two JSON values, as {@code path: expected vs actual}.
     *
     * @param path the path of the values
     * @param a the expected value (may be null: absent)
     * @param b the actual value (may be null: absent)
     * @return the first difference, or empty
     */
    static Optional<String> firstDifference(String path, JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b ? Optional.empty() : Optional.of(path + ": " + a + " vs " + b);
        }
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                Optional<String> d = firstDifference(path + "." + k, a.get(k), b.get(k));
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        if (a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                Optional<String> d = firstDifference(path + "[" + i + "]", a.get(i), b.get(i));
                if (d.isPresent()) {
                    return d;
                }
            }
            return a.size() == b.size() ? Optional.empty()
                    : Optional.of(path + ": length " + a.size() + " vs " + b.size());
        }
        if (a.isNumber() && b.isNumber()) {
            // Bit for bit: the same double (ints compare as their double value too).
            return Double.doubleToLongBits(a.asDouble()) == Double.doubleToLongBits(b.asDouble())
                    && a.isIntegralNumber() == b.isIntegralNumber() ? Optional.empty()
                    : Optional.of(path + ": " + a + " vs " + b);
        }
        return a.equals(b) ? Optional.empty() : Optional.of(path + ": " + a + " vs " + b);
    }

    /** The parts of a metrics.jsonl that are compared. */
    private static final class Log {
        final Map<Long, List<JsonNode>> steps = new TreeMap<>();
        final Map<String, List<JsonNode>> evaluations = new LinkedHashMap<>();
        JsonNode runEnd;
        int torn;
        int duplicateSteps;

        static Log read(Path file) throws IOException {
            return Files.isRegularFile(file) ? parse(Files.readString(file, StandardCharsets.UTF_8)) : new Log();
        }

        static Log parse(String text) {
            Log log = new Log();
            Iterator<String> lines = text.lines().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    log.torn++;
                    continue;
                }
                if (n == null || !n.isObject()) {
                    log.torn++;
                    continue;
                }
                switch (n.path("event").asText()) {
                    case "step" -> {
                        List<JsonNode> l = log.steps.computeIfAbsent(n.path("globalStep").asLong(),
                                k -> new java.util.ArrayList<>());
                        if (!l.isEmpty()) {
                            log.duplicateSteps++;
                        }
                        l.add(n);
                    }
                    case "evaluation" -> log.evaluations.computeIfAbsent(
                            "task " + n.path("task").asText() + " " + n.path("metric").asText(),
                            k -> new java.util.ArrayList<>()).add(n);
                    case "run-end" -> log.runEnd = n;
                    default -> { }
                }
            }
            return log;
        }
    }
}
