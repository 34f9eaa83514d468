package dev.perennial.api.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.spi.TaskInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress bar with a fake clock and a fake terminal flag (issue 18). */
class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    /** A clock the test moves. */
    private static final class FakeClock {
        long nanos = 1_000 * SECOND;

        void at(long seconds) {
            nanos = 1_000 * SECOND + seconds * SECOND;
        }
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final FakeClock clock = new FakeClock();

    private ProgressBar bar(boolean terminal, Duration interval) {
        return new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, interval,
                () -> clock.nanos);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static TaskInfo task(int index) {
        return new TaskInfo(index, "t" + index, new int[] {2 * index, 2 * index + 1}, 100, 20);
    }

    private static StepEvent step(int task, long taskStep) {
        return new StepEvent(task, (int) ((taskStep - 1) / 50), taskStep, 100, 100L * task + taskStep, 0.25, Map.of(),
                0.01, 512, false, 0);
    }

    private static final RunStarted START = new RunStarted("demo", Path.of("runs/demo"), "cpu()",
            List.of("t0", "t1"), 0);

    private List<String> progressLines() {
        return output().lines().filter(l -> l.contains("elapsed")).toList();
    }

    @Test
    void withoutATerminalOnePlainLinePerInterval() {
        ProgressBar p = bar(false, Duration.ofSeconds(30));
        p.onRunStart(START);
        p.onTaskStart(task(0), 100);
        for (int s = 1; s <= 100; s++) {
            clock.at(s);
            p.onStep(step(0, s));
        }
        // events at 1..100 s: lines at 30, 60 and 90 s
        List<String> lines = progressLines();
        assertEquals(3, lines.size(), output());
        assertEquals("perennial: 30s elapsed, 15% of the run, task 1/2 t0 step 30/100 (30%), epoch 1, loss 0.2500,"
                + " lr 1.00e-02, 512 samples/s, ETA 2m50s", lines.get(0));
        assertTrue(lines.get(2).startsWith("perennial: 1m30s elapsed, 45% of the run, task 1/2 t0 step 90/100 (90%),"
                + " epoch 2,"), lines.get(2));
        assertFalse(output().contains("\r"), "no redraws in a log");
        assertTrue(output().contains("task 1/2 t0: 100 steps"), output());
    }

    @Test
    void theIntervalIsConfigurable() {
        ProgressBar p = bar(false, Duration.ofSeconds(5));
        p.onRunStart(START);
        p.onTaskStart(task(0), 100);
        for (int s = 1; s <= 100; s++) {
            clock.at(s);
            p.onStep(step(0, s));
        }
        assertEquals(20, progressLines().size(), output());
        assertThrows(IllegalArgumentException.class, () -> bar(false, Duration.ZERO));
    }

    @Test
    void theDefaultIntervalComesFromASystemProperty() {
        assertEquals(Duration.ofSeconds(30), ProgressBar.intervalFromProperty(null));
        assertEquals(Duration.ofSeconds(5), ProgressBar.intervalFromProperty(" 5 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProgressBar.intervalFromProperty("0"));
        assertEquals("-Dperennial.progressSeconds=0 is not a positive whole number of seconds (e.g. 30)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProgressBar.intervalFromProperty("30s"));
    }

    /** Rate from the first step seen: half the run in 30 s leaves a quarter of it, 15 s. */
    @Test
    void theTimeLeftFollowsTheObservedRate() {
        ProgressBar p = bar(false, Duration.ofSeconds(30));
        p.onRunStart(START);
        p.onTaskStart(task(0), 100);
        clock.at(10);
        p.onStep(step(0, 50));
        p.onTaskStart(task(1), 100);
        clock.at(40);
        p.onStep(step(1, 50));
        assertEquals(List.of("perennial: 40s elapsed, 75% of the run, task 2/2 t1 step 50/100 (50%), epoch 1,"
                + " loss 0.2500, lr 1.00e-02, 512 samples/s, ETA 15s"), progressLines());
    }

    @Test
    void onATerminalTheStatusLineIsRedrawnWithBothBars() {
        ProgressBar p = bar(true, Duration.ofSeconds(30));
        p.onRunStart(START);
        p.onTaskStart(task(1), 100);
        clock.at(1);
        p.onStep(step(1, 25));
        clock.at(11);
        p.onStep(step(1, 50));
        String out = output();
        assertTrue(out.contains("\rrun  75% [######--] ETA 20s | task 2/2 t1 [######------] 50/100 ep 1 | loss 0.2500"
                + " lr 1.0e-02 512/s\u001B[K"), out);
        // redraws are thinned to ten a second, but the last step of a task is always drawn
        clock.nanos += 1;
        p.onStep(step(1, 99));
        assertFalse(output().contains("99/100"), output());
        clock.nanos += 1;
        p.onStep(step(1, 100));
        assertTrue(output().contains("100/100"), output());
    }

    @Test
    void aStatusLineNeverOutgrowsTheTerminal() {
        assumeTrue(System.getenv("COLUMNS") == null, "COLUMNS is set");
        ProgressBar p = bar(true, Duration.ofSeconds(30));
        p.onRunStart(START);
        p.onTaskStart(new TaskInfo(0, "a-task-with-a-name-much-longer-than-anyone-would-like", new int[] {0}, 1, 1),
                100);
        clock.at(1);
        p.onStep(step(0, 100));
        String status = output().substring(output().lastIndexOf('\r') + 1).replace("\u001B[K", "");
        assertEquals(99, status.length(), status);
        assertTrue(status.endsWith("…"), status);
    }

    @Test
    void evaluationHasItsOwnBarAndItsResultStartsANewLine() {
        ProgressBar p = bar(true, Duration.ofSeconds(30));
        p.onRunStart(START);
        clock.at(1);
        p.onStep(step(0, 100));
        clock.at(2);
        p.onEvaluationProgress(new EvaluationProgress(0, 0, 1, 2, 4));
        clock.at(3);
        p.onEvaluationProgress(new EvaluationProgress(0, 0, 1, 4, 4));
        p.onEvaluation(new EvaluationEvent(0, new double[] {0.75, Double.NaN}, "accuracy"));
        String out = output();
        assertTrue(out.contains("\rrun  50% [####----] ETA ? | evaluating after task 1/2: task 1/1 [######------] 2/4"
                + " batches"), out);
        assertTrue(out.contains("4/4 batches\u001B[K\nafter task 0, accuracy on tasks 0..0: 0.750\n"), out);
    }

    @Test
    void withoutATerminalEvaluationProgressIsAPlainLine() {
        ProgressBar p = bar(false, Duration.ofSeconds(30));
        p.onRunStart(START);
        clock.at(31);
        p.onEvaluationProgress(new EvaluationProgress(1, 0, 2, 3, 10));
        assertEquals(List.of("perennial: 31s elapsed, evaluating after task 2/2: task 1/2, batch 3/10 (30%), ETA ?"),
                progressLines());
    }

    @Test
    void durationsReadAsHoursMinutesSeconds() {
        assertEquals("45s", ProgressBar.duration(45 * SECOND));
        assertEquals("3m12s", ProgressBar.duration(192 * SECOND));
        assertEquals("2h05m", ProgressBar.duration((2 * 3600 + 5 * 60) * SECOND));
    }
}
