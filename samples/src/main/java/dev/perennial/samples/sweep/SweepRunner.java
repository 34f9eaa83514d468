package dev.perennial.samples.sweep;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.RunReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a sweep's points, {@code parallel} at a time, each in its own process; a point whose folder already holds a
 * finished run ({@code report.json}) is skipped, so running an interrupted sweep again resumes it.
 *
 * <p>A point's folder is {@code OUT/POINT}: the child writes its stdout and stderr to {@code OUT/POINT/log.txt} and
 * its run folder inside {@code OUT/POINT} ({@code run --run-dir OUT/POINT}).
 */
public final class SweepRunner {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Starts the process of one point. */
    @FunctionalInterface
    public interface Launcher {
        /**
         * The command line of one point.
         *
         * @param point the point
         * @param pointDirectory its folder, the run's {@code --run-dir}
         * @return the command and its arguments
         */
        List<String> command(SweepPoint point, Path pointDirectory);
    }

    /** What became of a point. */
    public enum Status {
        /** It ran now and finished. */
        RAN,
        /** Its folder already held a finished run. */
        SKIPPED,
        /** Its process failed (see its log.txt). */
        FAILED
    }

    /**
     * The outcome of a point.
     *
     * @param point the point
     * @param status what became of it
     * @param runDirectory its run folder (null when it failed before making one)
     * @param report its report (null when it failed)
     * @param message why it failed, or empty
     */
    public record Outcome(SweepPoint point, Status status, Path runDirectory, RunReport report, String message) {}

    /** The points' processes still running; stopped when this JVM ends (Ctrl-C, kill), so no orphan goes on. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Set when this JVM is ending: no point starts after it. Guarded by {@link #LIVE}. */
    private static boolean stopping;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (LIVE) {
                stopping = true;
                LIVE.forEach(Process::destroy);
            }
            for (Process p : LIVE) {
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }, "sweep-stop-points"));
    }

    private SweepRunner() {}

    /**
     * The CLI's launcher: {@code JAVA... run BASE --run-dir POINT_DIR --set ...} for each point.
     *
     * @param prefix the java command up to the CLI's arguments ({@link JavaCommand#current()})
     * @param baseFile the base experiment file
     * @return the launcher
     */
    public static Launcher cli(List<String> prefix, Path baseFile) {
        return (point, dir) -> {
            List<String> c = new ArrayList<>(prefix);
            c.add("run");
            c.add(baseFile.toAbsolutePath().toString());
            c.add("--run-dir");
            c.add(dir.toAbsolutePath().toString());
            for (String o : point.overrides()) {
                c.add("--set");
                c.add(o);
            }
            return c;
        };
    }

    /**
     * The finished run in a point's folder: the newest run folder whose {@code report.json} reads.
     *
     * @param pointDirectory the point's folder
     * @return the run folder and its report
     */
    public static Optional<Outcome> finished(SweepPoint point, Path pointDirectory) {
        if (!Files.isDirectory(pointDirectory)) {
            return Optional.empty();
        }
        List<Path> runs;
        try (Stream<Path> s = Files.list(pointDirectory)) {
            runs = s.filter(d -> Files.isRegularFile(d.resolve("report.json")))
                    .sorted(Comparator.comparing((Path d) -> d.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pointDirectory, e);
        }
        for (Path run : runs) {
            try {
                RunReport r = JSON.readValue(run.resolve("report.json").toFile(), RunReport.class);
                return Optional.of(new Outcome(point, Status.SKIPPED, run, r, ""));
            } catch (IOException e) {
                // a report cut short (the process was killed while writing it): not finished
            }
        }
        return Optional.empty();
    }

    /**
     * Runs the points.
     *
     * @param points the points
     * @param out the sweep's folder
     * @param parallel runs at a time
     * @param launcher what starts a point
     * @param progress receives one line per point started, skipped and ended
     * @return one outcome per point, in the points' order
     * @throws InterruptedException when interrupted; running children are stopped
     */
    public static List<Outcome> run(List<SweepPoint> points, Path out, int parallel, Launcher launcher,
                                    Consumer<String> progress) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>(java.util.Collections.nCopies(points.size(), null));
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            SweepPoint p = points.get(i);
            Optional<Outcome> done = finished(p, out.resolve(p.name()));
            if (done.isPresent()) {
                outcomes.set(i, done.get());
                progress.accept("skipped " + p.name() + " (finished: " + done.get().runDirectory() + ")");
            } else {
                todo.add(i);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, Math.max(1,
                todo.size()))), r -> {
                    Thread t = new Thread(r, "sweep-point");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i : todo) {
                SweepPoint p = points.get(i);
                futures.add(pool.submit(() -> runOne(p, out.resolve(p.name()), launcher, progress)));
            }
            for (int j = 0; j < todo.size(); j++) {
                try {
                    outcomes.set(todo.get(j), futures.get(j).get());
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    outcomes.set(todo.get(j), new Outcome(points.get(todo.get(j)), Status.FAILED, null, null,
                            String.valueOf(c.getMessage())));
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        return outcomes;
    }

    private static Outcome runOne(SweepPoint p, Path dir, Launcher launcher, Consumer<String> progress)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("log.txt");
        List<String> command = launcher.command(p, dir);
        synchronized (LIVE) {
            if (stopping) {
                throw new InterruptedException("the sweep is stopping");
            }
        }
        progress.accept("started " + p.name());
        Process process;
        synchronized (LIVE) {
            if (stopping) {
                throw new InterruptedException("the sweep is stopping");
            }
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            LIVE.add(process);
        }
        int code;
        try {
            process.getOutputStream().close(); // no input: a child never waits on the terminal
            code = process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            throw e;
        } finally {
            LIVE.remove(process);
        }
        Optional<Outcome> done = finished(p, dir);
        if (code == 0 && done.isPresent()) {
            progress.accept("finished " + p.name());
            Outcome d = done.get();
            return new Outcome(p, Status.RAN, d.runDirectory(), d.report(), "");
        }
        String message = "exit code " + code + (code == 0 ? " without a report.json" : "") + "; see " + log;
        progress.accept("FAILED " + p.name() + ": " + message);
        return new Outcome(p, Status.FAILED, null, null, message);
    }
}
