package dev.perennial.api.events;

import dev.perennial.api.RunReport;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The run's metrics as two tables beside {@code metrics.jsonl}, for spreadsheets and data frames:
 * <ul>
 *   <li>{@value #STEPS_FILE}: one row per step event ({@link StepEvent}, every {@code logEverySteps} steps and
 *       the last of a task), with the columns {@link #STEP_COLUMNS} and then one {@code term:<name>} column per
 *       loss term (a term first seen later, e.g. a distillation term from the second task on, adds a column: the
 *       file is rewritten once with the column empty in the earlier rows);</li>
 *   <li>{@value #EVALUATION_FILE}: one row per evaluated cell of the accuracy matrix and of every other metric,
 *       with the columns {@link #EVALUATION_COLUMNS} (cells not evaluated have no row).</li>
 * </ul>
 * Rows are written as the events come and flushed, so a crashed run keeps its tables. A resumed run continues
 * from its checkpoint: rows the checkpoint does not cover (steps after it, evaluations of tasks not yet
 * checkpointed), which the resumed run computes again, are dropped first, so every step and cell has one row.
 * ({@code metrics.jsonl} is the event log: it keeps every event of every process, and a resumed run's
 * {@code run-start} line marks where the replay begins.)
 */
public final class CsvMetricsLog implements RunListener {
    /** The step table's file name. */
    public static final String STEPS_FILE = "metrics-steps.csv";
    /** The evaluation table's file name. */
    public static final String EVALUATION_FILE = "metrics-evaluation.csv";
    /** The step table's fixed columns; loss-term columns follow. */
    public static final List<String> STEP_COLUMNS = List.of("time", "task", "taskName", "epoch", "taskStep",
            "taskSteps", "globalStep", "loss", "lr", "samplesPerSecond", "skipped", "skippedSteps");
    /** The evaluation table's columns. */
    public static final List<String> EVALUATION_COLUMNS = List.of("time", "trainedTask", "evaluatedTask",
            "evaluatedTaskName", "metric", "score");
    private static final String TERM = "term:";
    private static final CSVFormat WRITE = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();
    private static final CSVFormat READ = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    private final Path steps;
    private final Path evaluation;
    private final long keepStepsThrough;
    private final int keepEvaluationsBefore;
    private final List<String> stepColumns = new ArrayList<>(STEP_COLUMNS);
    private List<String> taskNames = List.of();
    private CSVPrinter stepOut;
    private CSVPrinter evaluationOut;
    /** The time of the event being replayed by {@link #rebuild}; -1 for events as they happen. */
    private long replayTime = -1;

    private CsvMetricsLog(Path runDirectory, long keepStepsThrough, int keepEvaluationsBefore) {
        this.steps = runDirectory.resolve(STEPS_FILE);
        this.evaluation = runDirectory.resolve(EVALUATION_FILE);
        this.keepStepsThrough = keepStepsThrough;
        this.keepEvaluationsBefore = keepEvaluationsBefore;
    }

    /**
     * The tables of a new run: existing files are replaced.
     *
     * @param runDirectory the run folder
     * @return the log
     */
    public static CsvMetricsLog fresh(Path runDirectory) {
        return new CsvMetricsLog(runDirectory, -1, -1);
    }

    /**
     * The tables of a run resumed from a checkpoint: rows after the checkpoint are dropped, the rest kept.
     *
     * @param runDirectory the run folder
     * @param globalStep the optimizer steps the checkpoint covers (its manifest's {@code globalStep})
     * @param nextTask the task the checkpoint continues with (its manifest's {@code nextTask}): evaluations after
     *     earlier tasks are kept
     * @return the log
     */
    public static CsvMetricsLog resumed(Path runDirectory, long globalStep, int nextTask) {
        if (globalStep < 0 || nextTask < 0) {
            throw new IllegalArgumentException("globalStep and nextTask must be >= 0, were " + globalStep + " and "
                    + nextTask);
        }
        return new CsvMetricsLog(runDirectory, globalStep, nextTask);
    }

    /**
     * Writes both tables again from the run's {@code metrics.jsonl} (a run made before the tables existed, or
     * tables deleted): a step or evaluation the log holds twice, because a resumed run computed it again, is taken
     * from its later line. The {@code time} column keeps the log's times.
     *
     * @param runDirectory the run folder
     * @throws UncheckedIOException when {@code metrics.jsonl} is missing or a table cannot be written; lines that
     *     are not JSON (a line cut short by a crash) are passed over
     */
    public static void rebuild(Path runDirectory) {
        Path file = runDirectory.resolve("metrics.jsonl");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to rebuild the metrics tables", e);
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> tasks = List.of();
        Map<Integer, Long> taskSteps = new java.util.HashMap<>();
        java.util.SortedMap<Long, Timed<StepEvent>> steps = new java.util.TreeMap<>();
        java.util.SortedMap<Integer, Timed<EvaluationEvent>> evaluations = new java.util.TreeMap<>();
        for (String line : lines) {
            com.fasterxml.jackson.databind.JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException e) {
                continue;
            }
            if (n == null || !n.isObject()) {
                continue;
            }
            long time = n.path("time").asLong();
            switch (n.path("event").asText()) {
                case "run-start" -> {
                    if (tasks.isEmpty()) {
                        List<String> names = new ArrayList<>();
                        n.path("tasks").forEach(t -> names.add(t.asText()));
                        tasks = names;
                    }
                }
                case "task-start" -> taskSteps.put(n.path("task").asInt(), n.path("steps").asLong());
                case "step" -> {
                    Map<String, Double> terms = new java.util.LinkedHashMap<>();
                    n.path("terms").fields().forEachRemaining(t -> terms.put(t.getKey(), t.getValue().asDouble()));
                    int task = n.path("task").asInt();
                    steps.put(n.path("globalStep").asLong(), new Timed<>(time, new StepEvent(task,
                            n.path("epoch").asInt(), n.path("taskStep").asLong(), taskSteps.getOrDefault(task, 0L),
                            n.path("globalStep").asLong(), n.path("loss").asDouble(), terms, n.path("lr").asDouble(),
                            n.path("samplesPerSecond").asDouble(), n.path("skipped").asBoolean(),
                            n.path("skippedSteps").asLong())));
                }
                case "evaluation" -> {
                    Map<String, double[]> others = new java.util.LinkedHashMap<>();
                    n.path("otherScores").fields().forEachRemaining(m -> others.put(m.getKey(), doubles(m.getValue())));
                    evaluations.put(n.path("task").asInt(), new Timed<>(time, new EvaluationEvent(n.path("task").asInt(),
                            doubles(n.path("scores")), n.path("metric").asText(), others)));
                }
                default -> { }
            }
        }
        CsvMetricsLog log = fresh(runDirectory);
        log.onRunStart(new RunStarted("", runDirectory, "", tasks, 0));
        for (Timed<StepEvent> s : steps.values()) {
            log.replayTime = s.time();
            log.onStep(s.event());
        }
        for (Timed<EvaluationEvent> e : evaluations.values()) {
            log.replayTime = e.time();
            log.onEvaluation(e.event());
        }
        log.onRunEnd(null);
    }

    private record Timed<E>(long time, E event) {}

    private static double[] doubles(com.fasterxml.jackson.databind.JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            com.fasterxml.jackson.databind.JsonNode v = array.get(i);
            out[i] = v == null || v.isNull() ? Double.NaN : v.asDouble(Double.NaN);
        }
        return out;
    }

    private long now() {
        return replayTime >= 0 ? replayTime : System.currentTimeMillis();
    }

    @Override
    public void onRunStart(RunStarted e) {
        taskNames = e.tasks();
        boolean resumed = keepStepsThrough >= 0;
        List<List<String>> keptSteps = List.of();
        List<List<String>> keptEvaluations = List.of();
        if (resumed) {
            keptSteps = kept(steps, stepColumns, r -> Long.parseLong(r.get("globalStep")) <= keepStepsThrough);
            keptEvaluations = kept(evaluation, new ArrayList<>(EVALUATION_COLUMNS),
                    r -> Integer.parseInt(r.get("trainedTask")) < keepEvaluationsBefore);
        }
        stepOut = rewrite(steps, stepColumns, keptSteps);
        evaluationOut = rewrite(evaluation, EVALUATION_COLUMNS, keptEvaluations);
    }

    @Override
    public void onStep(StepEvent e) {
        if (stepOut == null) {
            return;
        }
        List<String> fresh = e.terms().keySet().stream().filter(t -> !stepColumns.contains(TERM + t)).toList();
        if (!fresh.isEmpty()) {
            close(stepOut, steps);
            List<List<String>> rows = kept(steps, stepColumns, r -> true);
            fresh.forEach(t -> stepColumns.add(TERM + t));
            stepOut = rewrite(steps, stepColumns, rows);
        }
        List<Object> row = new ArrayList<>(List.of(now(), e.task(), taskName(e.task()),
                e.epoch(), e.taskStep(), e.taskSteps(), e.globalStep(), e.loss(), e.learningRate(),
                e.samplesPerSecond(), e.skipped(), e.skippedSteps()));
        for (String column : stepColumns.subList(STEP_COLUMNS.size(), stepColumns.size())) {
            Double v = e.terms().get(column.substring(TERM.length()));
            row.add(v == null ? "" : v);
        }
        print(stepOut, steps, row);
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        if (evaluationOut == null) {
            return;
        }
        long time = now();
        cells(time, e.trainedTask(), e.metric(), e.scores());
        e.otherScores().forEach((metric, scores) -> cells(time, e.trainedTask(), metric, scores));
    }

    private void cells(long time, int trainedTask, String metric, double[] scores) {
        for (int j = 0; j < scores.length; j++) {
            if (!Double.isNaN(scores[j])) {
                print(evaluationOut, evaluation, List.of(time, trainedTask, j, taskName(j), metric, scores[j]));
            }
        }
    }

    @Override
    public void onRunEnd(RunReport report) {
        close(stepOut, steps);
        close(evaluationOut, evaluation);
        stepOut = null;
        evaluationOut = null;
    }

    private String taskName(int task) {
        return task >= 0 && task < taskNames.size() ? taskNames.get(task) : "";
    }

    /**
     * The rows of an existing table that pass {@code keep}, in the column order of {@code columns}; columns the
     * file has beyond them (loss terms) are appended to {@code columns}.
     */
    private static List<List<String>> kept(Path file, List<String> columns, Predicate<CSVRecord> keep) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<List<String>> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(in).setFormat(READ).get()) {
            for (String name : parser.getHeaderNames()) {
                if (!columns.contains(name)) {
                    columns.add(name);
                }
            }
            Map<String, Integer> header = parser.getHeaderMap();
            for (CSVRecord r : parser) {
                // A row cut short by a crash mid-write is dropped: its step is computed again.
                if (!r.isConsistent()) {
                    continue;
                }
                try {
                    if (!keep.test(r)) {
                        continue;
                    }
                } catch (IllegalArgumentException e) {
                    // an unparsable number or a missing column: not a row this log wrote
                    continue;
                }
                List<String> row = new ArrayList<>();
                for (String c : columns) {
                    row.add(header.containsKey(c) ? r.get(c) : "");
                }
                rows.add(row);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot read the metrics table " + file + " to resume it",
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        return rows;
    }

    /**
     * Writes the header and rows (short rows padded with empty cells) to a new file that then replaces
     * {@code file}; returns a printer appending to it.
     */
    private static CSVPrinter rewrite(Path file, List<String> columns, List<List<String>> rows) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                 CSVPrinter p = new CSVPrinter(w, WRITE)) {
                p.printRecord(columns);
                for (List<String> row : rows) {
                    List<String> padded = new ArrayList<>(row);
                    while (padded.size() < columns.size()) {
                        padded.add("");
                    }
                    p.printRecord(padded);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE), WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics table " + file, e);
        }
    }

    private static void print(CSVPrinter out, Path file, List<?> row) {
        try {
            out.printRecord(row);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics table " + file, e);
        }
    }

    private static void close(CSVPrinter out, Path file) {
        if (out == null) {
            return;
        }
        try {
            out.close(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics table " + file, e);
        }
    }
}
