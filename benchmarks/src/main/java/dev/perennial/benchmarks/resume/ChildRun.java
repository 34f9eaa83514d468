package dev.perennial.benchmarks.resume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One {@code perennial run} or {@code perennial resume} in a child JVM, started with the command line that
 * {@code bin/perennial} builds (the CLI on the module path), with its output in files of its own working folder, and
 * a tail of the run's {@code metrics.jsonl} so the parent can kill it at a chosen event.
 */
final class ChildRun {
    /** Exit status of a process this program killed with SIGKILL. */
    static final int KILLED = 137;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ABORT_SIGNS = List.of("corrupted double-linked", "corrupted size",
            "malloc(): ", "free(): ", "double free or corruption", "SIGSEGV", "SIGBUS",
            "A fatal error has been detected by the Java Runtime");

    private final Process process;
    private final Path workDir;
    private final Path runsDir;
    private final String label;
    private Path runDir;
    private long logOffset;
    private final StringBuilder partial = new StringBuilder();

    private ChildRun(Process process, Path workDir, Path runsDir, String label, Path runDir, long logOffset) {
        this.process = process;
        this.workDir = workDir;
        this.runsDir = runsDir;
        this.label = label;
        this.runDir = runDir;
        this.logOffset = logOffset;
    }

    /**
     * Starts a child.
     *
     * @param command the java command line up to the CLI's arguments
     * @param env extra environment
     * @param args the CLI's arguments
     * @param workDir its working folder (stdout, stderr, hs_err files)
     * @param runsDir the folder that holds the run folder
     * @param label a file-name-safe label for its output files
     * @param runDir the run folder when known (resume), else null
     * @return the running child
     * @throws IOException when it cannot start
     */
    static ChildRun start(List<String> command, Map<String, String> env, List<String> args, Path workDir,
            Path runsDir, String label, Path runDir) throws IOException {
        Files.createDirectories(workDir);
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(workDir.resolve(label + ".out").toFile())
                .redirectError(workDir.resolve(label + ".err").toFile());
        pb.environment().putAll(env);
        long offset = 0;
        if (runDir != null && Files.isRegularFile(runDir.resolve("metrics.jsonl"))) {
            offset = Files.size(runDir.resolve("metrics.jsonl"));
        }
        return new ChildRun(pb.start(), workDir, runsDir, label, runDir, offset);
    }

    /**
     * The run folder, once the child has made it.
     *
     * @return the folder or null
     * @throws IOException when the runs folder cannot be listed
     */
    Path runDir() throws IOException {
        if (runDir == null && Files.isDirectory(runsDir)) {
            try (Stream<Path> s = Files.list(runsDir)) {
                runDir = s.filter(Files::isDirectory).findFirst().orElse(null);
            }
        }
        return runDir;
    }

    /**
     * The metrics.jsonl lines this child has appended since the last call (complete lines only).
     *
     * @return the new events
     * @throws IOException when the log cannot be read
     */
    List<JsonNode> newEvents() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Path dir = runDir();
        if (dir == null) {
            return out;
        }
        Path log = dir.resolve("metrics.jsonl");
        if (!Files.isRegularFile(log)) {
            return out;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            if (len <= logOffset) {
                return out;
            }
            byte[] b = new byte[(int) (len - logOffset)];
            f.seek(logOffset);
            f.readFully(b);
            logOffset = len;
            partial.append(new String(b, StandardCharsets.UTF_8));
        }
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, nl);
            partial.delete(0, nl + 1);
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                // A torn line: the comparison counts it.
            }
        }
        return out;
    }

    /**
     * Whether a checkpoint is being written now (a {@code .partial} folder or file in {@code checkpoints/}).
     *
     * @return true while a temporary checkpoint exists
     * @throws IOException when the folder cannot be listed
     */
    boolean checkpointBeingWritten() throws IOException {
        Path dir = runDir();
        if (dir == null || !Files.isDirectory(dir.resolve("checkpoints"))) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".partial")
                    && !p.getFileName().toString().equals(".LATEST.partial"));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * Kills the child with SIGKILL and waits for it.
     *
     * @return its exit status (137 when the kill took it down, otherwise how it had ended)
     * @throws InterruptedException when interrupted
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /**
     * Waits for the child; a child past the timeout is killed and reported with status -1.
     *
     * @param timeoutSeconds the most seconds to wait
     * @return its exit status, -1 on a timeout
     * @throws InterruptedException when interrupted
     */
    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            return -1;
        }
        return process.exitValue();
    }

    /**
     * Polls the child's log until {@code trigger} accepts an event (or the poll callback fires) or the child ends.
     *
     * @param trigger tested on each new event
     * @param poll tested on each poll (e.g. a checkpoint write in progress); may be null
     * @param timeoutSeconds the most seconds to wait
     * @return true when the trigger fired while the child was alive
     * @throws IOException when the log cannot be read
     * @throws InterruptedException when interrupted
     */
    boolean awaitEvent(Predicate<JsonNode> trigger, PollCheck poll, long timeoutSeconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            boolean alive = process.isAlive();
            for (JsonNode e : newEvents()) {
                if (trigger.test(e)) {
                    return alive || process.isAlive();
                }
            }
            if (poll != null && poll.fire()) {
                return process.isAlive();
            }
            if (!alive) {
                return false;
            }
            Thread.sleep(0, 500_000);
        }
        return false;
    }

    /** A check made on every poll. */
    @FunctionalInterface
    interface PollCheck {
        boolean fire() throws IOException;
    }

    /**
     * Whether this child took the JVM down: exit status 134 (SIGABRT) or 139 (SIGSEGV), an hs_err file in its
     * working folder, or a glibc / JVM crash message on its standard error or output.
     *
     * @param exit its exit status
     * @return a description of the abort, or null
     * @throws IOException when its files cannot be read
     */
    String abort(int exit) throws IOException {
        List<String> signs = new ArrayList<>();
        if (exit == 134 || exit == 139 || exit == 135 || exit == 136) {
            signs.add("exit " + exit);
        }
        try (Stream<Path> s = Files.list(workDir)) {
            s.filter(p -> p.getFileName().toString().startsWith("hs_err_pid"))
                    .forEach(p -> signs.add(p.getFileName().toString()));
        }
        for (String suffix : List.of(".err", ".out")) {
            Path f = workDir.resolve(label + suffix);
            if (Files.isRegularFile(f)) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                for (String sign : ABORT_SIGNS) {
                    if (text.contains(sign)) {
                        signs.add(label + suffix + " contains '" + sign + "'");
                    }
                }
            }
        }
        return signs.isEmpty() ? null : String.join("; ", signs);
    }

    /**
     * The last lines of the child's standard error.
     *
     * @param lines how many
     * @return the tail
     * @throws IOException when it cannot be read
     */
    String stderrTail(int lines) throws IOException {
        Path f = workDir.resolve(label + ".err");
        if (!Files.isRegularFile(f)) {
            return "";
        }
        List<String> all = Files.readAllLines(f, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> !l.contains("NNPACK")).toList();
        return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (pid %d)", label, process.pid());
    }
}
