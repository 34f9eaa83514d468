package dev.perennial.api.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perennial.spi.TaskInfo;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics-steps.csv} and {@code metrics-evaluation.csv}: one row per step event and per cell (issue 18). */
class CsvMetricsLogTest {
    @TempDir
    Path run;

    private static final RunStarted START = new RunStarted("csv", Path.of("run"), "cpu()", List.of("t0", "t1"), 0);

    private static StepEvent step(int task, long globalStep, Map<String, Double> terms) {
        return new StepEvent(task, 0, globalStep - 2L * task, 2, globalStep, 0.5 * globalStep, terms, 0.1, 100.0,
                false, 0);
    }

    private static List<CSVRecord> read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file);
             CSVParser p = CSVParser.builder().setReader(in)
                     .setFormat(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            return new ArrayList<>(p.getRecords());
        }
    }

    private static List<String> header(Path file) throws IOException {
        return List.of(Files.readAllLines(file).get(0).split(","));
    }

    private static List<Long> globalSteps(Path file) throws IOException {
        return read(file).stream().map(r -> Long.parseLong(r.get("globalStep"))).toList();
    }

    @Test
    void oneRowPerStepEventAndATermSeenLaterAddsAColumn() throws IOException {
        CsvMetricsLog log = CsvMetricsLog.fresh(run);
        log.onRunStart(START);
        log.onStep(step(0, 1, Map.of("ce", 1.0)));
        log.onStep(step(0, 2, Map.of("ce", 2.0)));
        Path steps = run.resolve(CsvMetricsLog.STEPS_FILE);
        // Flushed as written: readable before the run ends.
        assertEquals(List.of(1L, 2L), globalSteps(steps));
        Map<String, Double> both = new LinkedHashMap<>();
        both.put("ce", 3.0);
        both.put("kd", 0.25);
        log.onStep(step(1, 3, both));
        log.onRunEnd(null);

        List<String> columns = new ArrayList<>(CsvMetricsLog.STEP_COLUMNS);
        columns.add("term:ce");
        columns.add("term:kd");
        assertEquals(columns, header(steps));
        List<CSVRecord> rows = read(steps);
        assertEquals(3, rows.size());
        assertEquals("", rows.get(0).get("term:kd"));
        assertEquals("0.25", rows.get(2).get("term:kd"));
        assertEquals("3.0", rows.get(2).get("term:ce"));
        assertEquals("t1", rows.get(2).get("taskName"));
        assertEquals("1.5", rows.get(2).get("loss"));
    }

    @Test
    void oneRowPerEvaluatedCellOfEveryMetric() throws IOException {
        CsvMetricsLog log = CsvMetricsLog.fresh(run);
        log.onRunStart(START);
        log.onEvaluation(new EvaluationEvent(0, new double[] {0.9, Double.NaN}, "accuracy",
                Map.of("top5-accuracy", new double[] {1.0, Double.NaN})));
        log.onEvaluation(new EvaluationEvent(1, new double[] {0.5, 0.8}, "accuracy"));
        log.onRunEnd(null);
        Path file = run.resolve(CsvMetricsLog.EVALUATION_FILE);
        assertEquals(CsvMetricsLog.EVALUATION_COLUMNS, header(file));
        List<String> cells = read(file).stream().map(r -> r.get("trainedTask") + "/" + r.get("evaluatedTask") + "/"
                + r.get("evaluatedTaskName") + "/" + r.get("metric") + "=" + r.get("score")).toList();
        assertEquals(List.of("0/0/t0/accuracy=0.9", "0/0/t0/top5-accuracy=1.0", "1/0/t0/accuracy=0.5",
                "1/1/t1/accuracy=0.8"), cells);
    }

    /**
     * A run that crashed after step 4 (its last checkpoint after step 2, in task 1) resumes: the steps and the
     * evaluation after the checkpoint are computed again, and each has one row.
     */
    @Test
    void aResumedRunHasNoRowTwice() throws IOException {
        CsvMetricsLog first = CsvMetricsLog.fresh(run);
        first.onRunStart(START);
        first.onStep(step(0, 1, Map.of("ce", 1.0)));
        first.onStep(step(0, 2, Map.of("ce", 1.0)));
        first.onEvaluation(new EvaluationEvent(0, new double[] {0.9, Double.NaN}, "accuracy"));
        first.onStep(step(1, 3, Map.of("ce", 1.0, "kd", 0.5)));
        first.onStep(step(1, 4, Map.of("ce", 1.0, "kd", 0.5)));
        // killed here: no onRunEnd; and a row cut short by the kill
        Path steps = run.resolve(CsvMetricsLog.STEPS_FILE);
        Files.writeString(steps, "17000,1,t1", java.nio.file.StandardOpenOption.APPEND);

        CsvMetricsLog resumed = CsvMetricsLog.resumed(run, 2, 1);
        resumed.onRunStart(new RunStarted("csv", Path.of("run"), "cpu()", List.of("t0", "t1"), 1));
        assertEquals(List.of(1L, 2L), globalSteps(steps));
        resumed.onStep(step(1, 3, Map.of("ce", 1.0, "kd", 0.5)));
        resumed.onStep(step(1, 4, Map.of("ce", 1.0, "kd", 0.5)));
        resumed.onEvaluation(new EvaluationEvent(1, new double[] {0.6, 0.7}, "accuracy"));
        resumed.onRunEnd(null);

        assertEquals(List.of(1L, 2L, 3L, 4L), globalSteps(steps));
        assertEquals(List.of("term:ce", "term:kd"), header(steps).subList(CsvMetricsLog.STEP_COLUMNS.size(),
                CsvMetricsLog.STEP_COLUMNS.size() + 2));
        List<String> cells = read(run.resolve(CsvMetricsLog.EVALUATION_FILE)).stream()
                .map(r -> r.get("trainedTask") + "/" + r.get("evaluatedTask")).toList();
        assertEquals(List.of("0/0", "1/0", "1/1"), cells);
    }

    /** The tables rebuilt from a metrics.jsonl that holds a replayed step keep its later line. */
    @Test
    void rebuildFromTheEventLogTakesTheLaterLineOfAReplayedStep() throws IOException {
        TaskInfo t0 = new TaskInfo(0, "t0", new int[] {0, 1}, 10, 4);
        TaskInfo t1 = new TaskInfo(1, "t1", new int[] {2, 3}, 10, 4);
        JsonLinesLog first = new JsonLinesLog(run.resolve("metrics.jsonl"), false);
        first.onRunStart(START);
        first.onTaskStart(t0, 2);
        first.onStep(step(0, 1, Map.of("ce", 1.0)));
        first.onStep(step(0, 2, Map.of("ce", 1.0)));
        first.onEvaluation(new EvaluationEvent(0, new double[] {0.9, Double.NaN}, "accuracy",
                Map.of("top5-accuracy", new double[] {1.0, Double.NaN})));
        first.onTaskStart(t1, 2);
        first.onStep(new StepEvent(1, 0, 1, 2, 3, 99.0, Map.of("ce", 1.0, "kd", 9.0), 0.1, 10, false, 0));
        JsonLinesLog resumed = new JsonLinesLog(run.resolve("metrics.jsonl"), true);
        resumed.onRunStart(new RunStarted("csv", Path.of("run"), "cpu()", List.of("t0", "t1"), 1));
        resumed.onTaskStart(t1, 2);
        resumed.onStep(new StepEvent(1, 0, 1, 2, 3, 1.5, Map.of("ce", 1.0, "kd", 0.5), 0.1, 10, false, 0));
        resumed.onStep(new StepEvent(1, 0, 2, 2, 4, 2.0, Map.of("ce", 1.0, "kd", 0.5), 0.1, 10, false, 0));
        resumed.onEvaluation(new EvaluationEvent(1, new double[] {0.6, 0.7}, "accuracy"));

        CsvMetricsLog.rebuild(run);
        Path steps = run.resolve(CsvMetricsLog.STEPS_FILE);
        assertEquals(List.of(1L, 2L, 3L, 4L), globalSteps(steps));
        List<CSVRecord> rows = read(steps);
        assertEquals("1.5", rows.get(2).get("loss"));
        assertEquals("0.5", rows.get(2).get("term:kd"));
        assertEquals("2", rows.get(2).get("taskSteps"));
        assertEquals("t1", rows.get(3).get("taskName"));
        List<String> cells = read(run.resolve(CsvMetricsLog.EVALUATION_FILE)).stream().map(r -> r.get("trainedTask")
                + "/" + r.get("evaluatedTask") + "/" + r.get("metric") + "=" + r.get("score")).toList();
        assertEquals(List.of("0/0/accuracy=0.9", "0/0/top5-accuracy=1.0", "1/0/accuracy=0.6", "1/1/accuracy=0.7"),
                cells);
    }

    @Test
    void aResumedRunWithAnEvaluationAfterTheCheckpointDropsIt() throws IOException {
        CsvMetricsLog first = CsvMetricsLog.fresh(run);
        first.onRunStart(START);
        first.onStep(step(0, 1, Map.of()));
        first.onStep(step(0, 2, Map.of()));
        first.onEvaluation(new EvaluationEvent(0, new double[] {0.9, Double.NaN}, "accuracy"));
        // killed before the task-0 checkpoint: the resume starts from the step-1 checkpoint
        CsvMetricsLog resumed = CsvMetricsLog.resumed(run, 1, 0);
        resumed.onRunStart(START);
        assertEquals(List.of(1L), globalSteps(run.resolve(CsvMetricsLog.STEPS_FILE)));
        assertEquals(0, read(run.resolve(CsvMetricsLog.EVALUATION_FILE)).size());
        resumed.onRunEnd(null);
    }
}
