package dev.perennial.api.events;

import dev.perennial.api.RunReport;
import dev.perennial.spi.TaskInfo;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a run for people: how far the whole run is, which task of how many, how far that task is, the
 * epoch, the current loss and learning rate, the throughput and the time left; during evaluation, which task is
 * being scored and how far.
 *
 * <p>On a terminal one status line is redrawn in place (carriage return), e.g.
 * <pre>
 * run  43% [###-----] ETA 3m12s | task 3/5 t2 [#####-------] 120/300 ep 1 | loss 0.4321 lr 1.0e-02 512/s
 * </pre>
 * cut to the terminal's width ({@code COLUMNS} when exported, else 100 columns).
 * When the stream is not a terminal (a log file, {@code nohup}, a batch scheduler) nothing is redrawn: one plain
 * line is printed at most every {@code logInterval} (30 s by default; {@code -Dperennial.progressSeconds=N} for the
 * constructors without an interval), when an event arrives, plus one line per task start and per evaluation result.
 *
 * <p>The time left is the run's remaining fraction at the rate observed since the first step of this process
 * (a resumed run measures its own rate); a task counts as one n-th of the run, evaluation included.
 *
 * <p>Why not {@code me.tongfei:progressbar}: it draws from its own timer thread with its own clock (nothing a test
 * can drive), brings JLine to probe the terminal, has no plain periodic-line mode for logs, and the run's progress
 * is two nested bars plus an evaluation phase, which is a line of text here.
 */
public final class ProgressBar implements RunListener {
    /** The interval of plain lines when the stream is not a terminal. */
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(30);
    private static final int RUN_WIDTH = 8;
    private static final int TASK_WIDTH = 12;
    /** Terminal redraws at most this often, but always for the last step or batch. */
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final String CLEAR_TO_END = "\u001B[K";

    private final PrintStream out;
    private final boolean terminal;
    private final long logIntervalNanos;
    private final LongSupplier clock;
    private final int columns = terminalColumns();

    private int tasks = 1;
    private String taskName = "";
    private long startNanos;
    private long lastPrint = Long.MIN_VALUE;
    private boolean lineOpen;
    private double baseFraction = Double.NaN;
    private long baseNanos;
    private double fraction;

    /** The system property that sets the plain-line interval of the constructors without one, in seconds. */
    public static final String INTERVAL_PROPERTY = "perennial.progressSeconds";

    /**
     * A bar on standard error, redrawn in place when a console is attached; otherwise plain lines every
     * {@code -Dperennial.progressSeconds} seconds (default 30).
     *
     * @throws IllegalArgumentException when {@code perennial.progressSeconds} is not a positive whole number
     */
    public ProgressBar() {
        this(System.err, System.console() != null);
    }

    static Duration intervalFromProperty(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LOG_INTERVAL;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + INTERVAL_PROPERTY + "=" + dev.perennial.api.config.Abbreviated.value(
                value) + " is not a positive whole number of seconds (e.g. 30)");
    }

    /**
     * A bar on a stream; when it is not a terminal, plain lines every {@code -Dperennial.progressSeconds} seconds
     * (default 30).
     *
     * @param out the stream
     * @param terminal whether to redraw in place
     * @throws IllegalArgumentException when {@code perennial.progressSeconds} is not a positive whole number
     */
    public ProgressBar(PrintStream out, boolean terminal) {
        this(out, terminal, intervalFromProperty(System.getProperty(INTERVAL_PROPERTY)));
    }

    /**
     * A bar on a stream.
     *
     * @param out the stream
     * @param terminal whether to redraw in place
     * @param logInterval when not a terminal, the least time between two plain progress lines (positive)
     */
    public ProgressBar(PrintStream out, boolean terminal, Duration logInterval) {
        this(out, terminal, logInterval, System::nanoTime);
    }

    ProgressBar(PrintStream out, boolean terminal, Duration logInterval, LongSupplier nanoClock) {
        if (logInterval == null || logInterval.isNegative() || logInterval.isZero()) {
            throw new IllegalArgumentException("logInterval must be positive, was " + logInterval);
        }
        this.out = out;
        this.terminal = terminal;
        this.logIntervalNanos = logInterval.toNanos();
        this.clock = nanoClock;
    }

    @Override
    public void onRunStart(RunStarted e) {
        tasks = Math.max(1, e.tasks().size());
        startNanos = clock.getAsLong();
        lastPrint = startNanos;
        fraction = (double) e.resumedFromTask() / tasks;
        baseFraction = Double.NaN;
        line(String.format(Locale.ROOT, "perennial: %s on %s, %d tasks, run folder %s", e.experiment(), e.device(),
                e.tasks().size(), e.runDirectory()));
        if (e.resumedFromTask() > 0 && !e.finishedAlready()) {
            line(String.format(Locale.ROOT, "perennial: resuming at task %d/%d", e.resumedFromTask() + 1,
                    e.tasks().size()));
        }
        if (e.finishedAlready()) {
            line(String.format(Locale.ROOT, "perennial: the run finished already: all %d tasks are trained and"
                    + " checkpointed; nothing to resume, report.json and report.html are left as they were",
                    e.tasks().size()));
        }
    }

    @Override
    public void onWarning(String message) {
        line("perennial: warning: " + message);
    }

    @Override
    public void onRunEnd(RunReport report) {
        long steps = report.lossCurves().stream().mapToLong(java.util.List::size).sum();
        if (report.nanSkips() > 0) {
            line(String.format(Locale.ROOT, "perennial: the NaN guard skipped %d of %d optimizer steps (per task %s;"
                    + " training.nanPolicy = skip)", report.nanSkips(), steps, report.nanSkipsPerTask()));
        }
        line(String.format(Locale.ROOT, "perennial: done in %s", duration(clock.getAsLong() - startNanos)));
    }

    @Override
    public void onTaskStart(TaskInfo task, long steps) {
        taskName = task.name();
        if (!terminal) {
            line(String.format(Locale.ROOT, "task %d/%d %s: %d steps", task.index() + 1, tasks, task.name(), steps));
        }
    }

    @Override
    public void onStep(StepEvent e) {
        long now = clock.getAsLong();
        fraction = (e.task() + (double) e.taskStep() / Math.max(1, e.taskSteps())) / tasks;
        if (Double.isNaN(baseFraction)) {
            baseFraction = fraction;
            baseNanos = now;
        }
        boolean last = e.taskStep() == e.taskSteps();
        String skipped = e.skippedSteps() > 0 ? " skipped " + e.skippedSteps() : "";
        if (terminal) {
            if (!last && now - lastPrint < REDRAW_NANOS) {
                return;
            }
            // Most wanted first: a line cut to the terminal's width loses the throughput before the time left.
            redraw(String.format(Locale.ROOT, "run %3.0f%% %s ETA %s | task %d/%d %s %s %d/%d ep %d | loss %.4f"
                    + " lr %.1e %.0f/s%s", 100 * fraction, bar(fraction, RUN_WIDTH), eta(now), e.task() + 1, tasks,
                    taskName, bar((double) e.taskStep() / Math.max(1, e.taskSteps()), TASK_WIDTH), e.taskStep(),
                    e.taskSteps(), e.epoch() + 1, e.loss(), e.learningRate(), e.samplesPerSecond(), skipped), now);
            return;
        }
        if (now - lastPrint >= logIntervalNanos) {
            line(String.format(Locale.ROOT, "perennial: %s elapsed, %.0f%% of the run, task %d/%d %s step %d/%d"
                    + " (%.0f%%), epoch %d, loss %.4f, lr %.2e, %.0f samples/s%s, ETA %s", duration(now - startNanos),
                    100 * fraction, e.task() + 1, tasks, taskName, e.taskStep(), e.taskSteps(),
                    100.0 * e.taskStep() / Math.max(1, e.taskSteps()), e.epoch() + 1, e.loss(), e.learningRate(),
                    e.samplesPerSecond(), skipped, eta(now)));
            lastPrint = now;
        }
        if (last && e.skippedSteps() > 0) {
            line(String.format(Locale.ROOT, "task %s: %d of %d steps skipped (non-finite loss or gradient)", taskName,
                    e.skippedSteps(), e.taskSteps()));
        }
    }

    @Override
    public void onEvaluationProgress(EvaluationProgress e) {
        long now = clock.getAsLong();
        boolean last = e.batch() == e.batches();
        String after = e.trainedTask() < 0 ? "before training" : "after task " + (e.trainedTask() + 1) + "/" + tasks;
        double done = (double) e.batch() / Math.max(1, e.batches());
        if (terminal) {
            if (!last && now - lastPrint < REDRAW_NANOS) {
                return;
            }
            redraw(String.format(Locale.ROOT, "run %3.0f%% %s ETA %s | evaluating %s: task %d/%d %s %d/%d batches",
                    100 * fraction, bar(fraction, RUN_WIDTH), eta(now), after, e.evaluatedTask() + 1,
                    e.tasksToEvaluate(), bar(done, TASK_WIDTH), e.batch(), e.batches()), now);
            return;
        }
        if (now - lastPrint >= logIntervalNanos) {
            line(String.format(Locale.ROOT, "perennial: %s elapsed, evaluating %s: task %d/%d, batch %d/%d (%.0f%%),"
                    + " ETA %s", duration(now - startNanos), after, e.evaluatedTask() + 1, e.tasksToEvaluate(),
                    e.batch(), e.batches(), 100 * done, eta(now)));
            lastPrint = now;
        }
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j <= e.trainedTask() && j < e.scores().length; j++) {
            sb.append(String.format(Locale.ROOT, " %.3f", e.scores()[j]));
        }
        line(String.format(Locale.ROOT, "after task %d, %s on tasks 0..%d:%s", e.trainedTask(), e.metric(),
                e.trainedTask(), sb));
    }

    /** The time left, from the rate since the first step this process saw; "?" until it can be told. */
    private String eta(long now) {
        double progressed = fraction - baseFraction;
        if (Double.isNaN(progressed) || progressed <= 0 || now <= baseNanos) {
            return "?";
        }
        double nanosPerFraction = (now - baseNanos) / progressed;
        return duration((long) (nanosPerFraction * Math.max(0, 1 - fraction)));
    }

    private static String bar(double done, int width) {
        int filled = (int) Math.round(width * Math.max(0, Math.min(1, done)));
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }

    /** The terminal's width when the shell exports {@code COLUMNS}, else 100. */
    private static int terminalColumns() {
        try {
            int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100").trim());
            return c >= 40 ? c : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** {@code 45s}, {@code 3m12s}, {@code 2h05m}. */
    static String duration(long nanos) {
        long s = Math.max(0, Math.round(nanos / 1e9));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    private void redraw(String status, long now) {
        // A status line longer than the terminal wraps, and the carriage return then redraws only its last part.
        String fitted = status.length() < columns ? status : status.substring(0, columns - 2) + "…";
        out.print("\r" + fitted + CLEAR_TO_END);
        out.flush();
        lineOpen = true;
        lastPrint = now;
    }

    /** A whole line; ends an open status line first so that it is not overwritten. */
    private void line(String text) {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
        out.println(text);
        out.flush();
    }
}
