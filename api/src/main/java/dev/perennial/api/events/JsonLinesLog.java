package dev.perennial.api.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.RunReport;
import dev.perennial.spi.TaskInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one JSON object per line for every event ({@code metrics.jsonl} in the run folder), flushed after each
 * line so a crashed run keeps its log. Each line has an {@code event} field: run-start, task-start, step,
 * evaluation (with {@code otherScores} by metric name when the experiment has several metrics), checkpoint, run-end.
 * A resumed run appends: its {@code run-start} line has {@code firstTask}, and the steps after the checkpoint that
 * the crashed process had logged come again after it ({@link CsvMetricsLog#rebuild} keeps the later ones).
 */
public final class JsonLinesLog implements RunListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final boolean append;
    private BufferedWriter out;

    /**
     * A log.
     *
     * @param file the file
     * @param append keep earlier lines (a resumed run)
     */
    public JsonLinesLog(Path file, boolean append) {
        this.file = file;
        this.append = append;
    }

    @Override
    public void onRunStart(RunStarted e) {
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the metrics log " + file, ex);
        }
        ObjectNode n = line("run-start");
        n.put("experiment", e.experiment()).put("device", e.device()).put("firstTask", e.resumedFromTask());
        n.set("tasks", JSON.valueToTree(e.tasks()));
        write(n);
    }

    @Override
    public void onTaskStart(TaskInfo task, long steps) {
        write(line("task-start").put("task", task.index()).put("name", task.name()).put("steps", steps));
    }

    @Override
    public void onStep(StepEvent e) {
        ObjectNode n = line("step").put("task", e.task()).put("epoch", e.epoch()).put("taskStep", e.taskStep())
                .put("globalStep", e.globalStep()).put("loss", e.loss()).put("lr", e.learningRate())
                .put("samplesPerSecond", e.samplesPerSecond()).put("skipped", e.skipped()).put("skippedSteps", e.skippedSteps());
        // Put the terms directly: valueToTree serialises the map and parses it back, on every step event.
        ObjectNode terms = n.putObject("terms");
        e.terms().forEach(terms::put);
        write(n);
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        ObjectNode n = line("evaluation").put("task", e.trainedTask()).put("metric", e.metric());
        n.set("scores", JSON.valueToTree(e.scores()));
        if (!e.otherScores().isEmpty()) {
            n.set("otherScores", JSON.valueToTree(e.otherScores()));
        }
        write(n);
    }

    @Override
    public void onCheckpoint(Path directory) {
        write(line("checkpoint").put("path", directory.toString()));
    }

    @Override
    public void onRunEnd(RunReport report) {
        ObjectNode n = line("run-end");
        n.set("summary", JSON.valueToTree(report.summary()));
        write(n);
        close();
    }

    private ObjectNode line(String event) {
        return JSON.createObjectNode().put("event", event).put("time", System.currentTimeMillis());
    }

    private void write(ObjectNode n) {
        if (out == null) {
            return;
        }
        try {
            out.write(JSON.writeValueAsString(n));
            out.newLine();
            out.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the metrics log " + file, ex);
        }
    }

    private void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } finally {
            out = null;
        }
    }
}
