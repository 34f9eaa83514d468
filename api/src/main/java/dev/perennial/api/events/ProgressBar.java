package dev.perennial.api.events;

import dev.perennial.api.RunReport;
import dev.perennial.spi.TaskInfo;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar per task on a terminal (redrawn with a carriage return); on a non-terminal stream it
 * prints one line per task and per evaluation instead, so logs stay readable.
 */
public final class ProgressBar implements RunListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private String taskName = "";

    /** A bar on standard error, animated when a console is attached. */
    public ProgressBar() {
        this(System.err, System.console() != null);
    }

    /**
     * A bar on a stream.
     *
     * @param out the stream
     * @param terminal whether to redraw in place
     */
    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onRunStart(RunStarted e) {
        out.printf(Locale.ROOT, "perennial: %s on %s, %d tasks, run folder %s%n", e.experiment(), e.device(),
                e.tasks().size(), e.runDirectory());
        if (e.finishedAlready()) {
            out.printf(Locale.ROOT, "perennial: the run finished already: all %d tasks are trained and checkpointed;"
                    + " nothing to resume, report.json and report.html are left as they were%n", e.tasks().size());
        }
    }

    @Override
    public void onWarning(String message) {
        out.printf(Locale.ROOT, "perennial: warning: %s%n", message);
    }

    @Override
    public void onRunEnd(RunReport report) {
        long steps = report.lossCurves().stream().mapToLong(java.util.List::size).sum();
        if (report.nanSkips() > 0) {
            out.printf(Locale.ROOT, "perennial: the NaN guard skipped %d of %d optimizer steps (per task %s;"
                    + " training.nanPolicy = skip)%n", report.nanSkips(), steps, report.nanSkipsPerTask());
        }
    }

    @Override
    public void onTaskStart(TaskInfo task, long steps) {
        taskName = task.name();
        if (!terminal) {
            out.printf(Locale.ROOT, "task %s: %d steps%n", task.name(), steps);
        }
    }

    @Override
    public void onStep(StepEvent e) {
        if (!terminal) {
            if (e.taskStep() == e.taskSteps() && e.skippedSteps() > 0) {
                out.printf(Locale.ROOT, "task %s: %d of %d steps skipped (non-finite loss or gradient)%n", taskName,
                        e.skippedSteps(), e.taskSteps());
            }
            return;
        }
        int filled = (int) (WIDTH * e.taskStep() / Math.max(1, e.taskSteps()));
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        out.printf(Locale.ROOT, "\r%-10s [%s] %d/%d loss %.4f lr %.2e %.0f samples/s%s", taskName, bar, e.taskStep(),
                e.taskSteps(), e.loss(), e.learningRate(), e.samplesPerSecond(),
                e.skippedSteps() > 0 ? " skipped " + e.skippedSteps() : "");
        if (e.taskStep() == e.taskSteps()) {
            out.println();
        }
        out.flush();
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j <= e.trainedTask() && j < e.scores().length; j++) {
            sb.append(String.format(Locale.ROOT, " %.3f", e.scores()[j]));
        }
        out.printf(Locale.ROOT, "after task %d, %s on tasks 0..%d:%s%n", e.trainedTask(), e.metric(),
                e.trainedTask(), sb);
    }
}
