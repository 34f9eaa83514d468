package dev.perennial.sweep.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One Spark task: one grid point as its own {@code perennial run} process, the same command as {@code perennial
 * sweep}'s local runner ({@code LAUNCHER run BASE --run-dir RUNS/POINT --set ...}). A point whose folder already
 * holds a finished {@code report.json} is not run again (resume). The row carries the metrics and the report's text,
 * so a driver on another machine needs no access to the executor's disk.
 *
 * <p>The child never outlives its task: the task polls the child every 500 ms and, when Spark kills the task (a
 * cancelled job, a failed sibling stage, a lost driver: {@link TaskContext#isInterrupted()}, which Spark sets without
 * interrupting the thread unless {@code spark.job.interruptOnCancel}) or interrupts its thread, it stops the child
 * and the child's descendants; a shutdown hook stops every live child when the executor's JVM ends.
 */
final class PointTask implements Function<SweepPlan.Point, Row> {
    private static final long serialVersionUID = 1L;
    /** The children running in this JVM. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PointTask::stop), "sweep-spark-stop"));
    }

    private final List<String> launcher;
    private final String base;
    private final String runs;
    private final List<String> axes;

    /**
     * A task.
     *
     * @param launcher the command that starts the CLI
     * @param base the base experiment file
     * @param runs the folder that holds the point folders (a path every executor sees)
     * @param axes the other axes' paths, one column each
     */
    PointTask(List<String> launcher, String base, String runs, List<String> axes) {
        this.launcher = new ArrayList<>(launcher);
        this.base = base;
        this.runs = runs;
        this.axes = new ArrayList<>(axes);
    }

    @Override
    public Row call(SweepPlan.Point p) throws Exception {
        Path dir = Path.of(runs).resolve(p.name()).toAbsolutePath();
        TaskContext tc = TaskContext.get();
        int attempt = tc == null ? 0 : tc.attemptNumber();
        Optional<Path> done = ReportMetrics.finishedRun(dir);
        if (done.isPresent()) {
            return row(p, "skipped", null, done.get(), 0, attempt, "");
        }
        Files.createDirectories(dir);
        int cpus = tc == null ? 1 : Math.max(1, tc.cpus());
        List<String> command = new ArrayList<>(launcher);
        if (command.size() > 1 && Path.of(command.get(0)).getFileName().toString().equals("java")) {
            // a java command line (the plan's launcher): the thread count as a JVM option, not PERENNIAL_JAVA_OPTS
            command.add(1, "-Dai.djl.pytorch.num_threads=" + cpus);
        }
        command.addAll(List.of("run", base, "--run-dir", dir.toString()));
        for (String o : p.overrides()) {
            command.add("--set");
            command.add(o);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log.txt").toFile()));
        Map<String, String> env = pb.environment();
        // The run gets the task's cores (spark.task.cpus): libtorch's intra-op threads follow OMP_NUM_THREADS and
        // ai.djl.pytorch.num_threads (bin/perennial reads PERENNIAL_JAVA_OPTS).
        env.put("OMP_NUM_THREADS", Integer.toString(cpus));
        env.put("PERENNIAL_JAVA_OPTS", (env.getOrDefault("PERENNIAL_JAVA_OPTS", "") + " -Dai.djl.pytorch.num_threads="
                + cpus).trim());
        if (tc != null) {
            ResourceInformation gpu = tc.resourcesJMap().get("gpu");
            if (gpu != null) {
                env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpu.addresses()));
            }
        }
        long start = System.nanoTime();
        Process child = pb.start();
        LIVE.add(child);
        int code;
        try {
            child.getOutputStream().close();
            while (!child.waitFor(500, TimeUnit.MILLISECONDS)) {
                TaskContext now = TaskContext.get();
                if (now != null && now.isInterrupted()) {
                    stop(child);
                    throw new TaskKilledException(now.getKillReason().getOrElse(() -> "the task was killed"));
                }
            }
            code = child.exitValue();
        } catch (InterruptedException e) {
            stop(child);
            throw e;
        } finally {
            LIVE.remove(child);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Optional<Path> run = ReportMetrics.finishedRun(dir);
        if (code == 0 && run.isPresent()) {
            return row(p, "ran", code, run.get(), seconds, attempt, "");
        }
        String message = "exit code " + code + (code == 0 ? " without a report.json" : "") + "; see "
                + dir.resolve("log.txt") + ": " + lastLine(dir.resolve("log.txt"));
        return row(p, "failed", code, null, seconds, attempt, message);
    }

    /** Stops a child and everything it started: TERM, then KILL after 10 s. */
    static void stop(Process child) {
        List<ProcessHandle> all = new ArrayList<>(child.descendants().toList());
        all.add(child.toHandle());
        all.forEach(ProcessHandle::destroy);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private Row row(SweepPlan.Point p, String status, Integer exitCode, Path run, double wall, int attempt,
                    String message) throws IOException {
        String report = run == null ? null : Files.readString(run.resolve("report.json"));
        ReportMetrics m = report == null ? null : ReportMetrics.parse(report);
        List<Object> v = new ArrayList<>(List.of(p.name(), p.learner(), p.seed(), p.group(), p.pairKey()));
        for (String a : axes) {
            v.add(p.axisValues().get(a));
        }
        v.add(status);
        v.add(exitCode);
        Double[] metrics = m == null ? new Double[4] : m.values();
        v.addAll(java.util.Arrays.asList(metrics));
        v.add(m == null ? null : m.seconds());
        v.add(status.equals("skipped") ? null : wall);
        v.add(attempt);
        v.add(host());
        v.add(run == null ? null : run.toString());
        v.add(message);
        v.add(report);
        return RowFactory.create(v.toArray());
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    String l = lines.get(i).strip();
                    return l.length() > 300 ? l.substring(0, 300) + "..." : l;
                }
            }
            return "(empty log)";
        } catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }
}
