package dev.perennial.benchmarks.resume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Kill-and-resume stress (issue 16). For each configuration (a small YAML experiment of this package) and each GC
 * mode it runs the experiment once uninterrupted in a child JVM (the reference; optionally twice, to see whether
 * two uninterrupted processes agree at all), then N trials: start the same experiment in a child JVM, kill it with
 * SIGKILL ({@link Process#destroyForcibly()}) at a chosen moment, {@code perennial resume} it (a chained trial kills
 * the resume too and resumes again) and compare the final {@code report.json} and {@code metrics.jsonl} loss curve
 * bit for bit with the reference ({@link RunComparison}).
 *
 * <p>Kill points, taken in turn (all five, or those of {@code --points}): {@code mid-task} (after a random logged
 * step past the first checkpoint), {@code task-boundary} (at the start of a random later task, right after the boundary checkpoint),
 * {@code evaluation} (right after the last step of a random task is logged, while the task is evaluated),
 * {@code checkpoint-write} (after a random step, as soon as a {@code checkpoints/.*.partial} folder appears; the
 * trial records whether the folder was still there after the kill) and {@code chained} (a mid-task kill, then the
 * resume killed at a later step). Children are the CLI on the module path as {@code bin/perennial} starts it, from
 * a private copy of the jars (samples/target, plus the distillation, deepfake and slerpface plugin jars as modules),
 * so a concurrent {@code mvn install} cannot change them mid-run. GC modes: {@code default} (no flags) and
 * {@code stress} ({@code -XX:+UseSerialGC -Xmn1m -Dperennial.gcStress=true}, {@code MALLOC_PERTURB_=165}).
 *
 * <p>A trial is an <b>abort</b> when any of its JVMs ended with status 134/135/136/139, left an {@code hs_err_pid}
 * file, or printed a glibc heap-corruption or JVM fatal-error message; <b>failed</b> when a resume exited non-zero
 * (or timed out), or the first run ended with an error before the kill point; <b>missed</b> when it finished
 * before the kill point; else <b>bit-identical</b> or
 * <b>differing</b> (with the first differing field).
 *
 * <p>Usage: {@code bin/benchmark resume.KillResumeStress [--configs finetune,lwf,...] [--kills 10]
 * [--gc default,stress] [--points mid-task,task-boundary,evaluation,checkpoint-write,chained] [--seed 16] [--run-seed S] [--json benchmarks/results/kill-resume.json]
 * [--work benchmarks/target/kill-resume] [--threads 1] [--timeout-s 900] [--no-repeat] [--keep]}.
 * Needs {@code samples/target} (jar and lib/) and the plugin jars built:
 * {@code mvn -B -o -q install -DskipTests -pl samples,plugins/deepfake,benchmarks -am}.
 */
public final class KillResumeStress {
    /** The configurations, in order: resources {@code <name>.yaml} of this package. */
    public static final List<String> CONFIGS = List.of("finetune", "lwf", "ewc", "kd", "quality-dda", "safe",
            "slerpface", "continual-vqa");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String CLI = "dev.perennial.samples/dev.perennial.samples.PerennialCli";
    private static final String PLUGIN_MODULES = "dev.perennial.distillation,dev.perennial.deepfake,"
            + "dev.perennial.slerpface";

    /** Where a trial kills the run. */
    enum KillPoint {
        MID_TASK("mid-task"), TASK_BOUNDARY("task-boundary"), EVALUATION("evaluation"),
        CHECKPOINT_WRITE("checkpoint-write"), CHAINED("chained");

        final String label;

        KillPoint(String label) {
            this.label = label;
        }

        static KillPoint of(String label) {
            for (KillPoint k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--points: unknown '" + label + "'; known: mid-task, task-boundary, "
                    + "evaluation, checkpoint-write, chained");
        }
    }

    /** What a trial ended as. */
    enum Outcome { IDENTICAL, DIFFERING, FAILED, ABORT, MISSED }

    private record Options(List<String> configs, int kills, List<String> gcModes, long seed, Long runSeed,
            Path json, Path work, int threads, long timeoutSeconds, boolean repeat, boolean keep, Path root,
            List<KillPoint> points) {

        static Options parse(String[] args) {
            List<String> configs = CONFIGS;
            int kills = 10;
            List<String> gc = List.of("default", "stress");
            long seed = 16;
            Long runSeed = null;
            Path json = Path.of("benchmarks/results/kill-resume.json");
            Path work = Path.of("benchmarks/target/kill-resume");
            int threads = 1;
            long timeout = 900;
            boolean repeat = true;
            boolean keep = false;
            Path root = Path.of(".");
            List<KillPoint> points = List.of(KillPoint.values());
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--no-repeat" -> repeat = false;
                    case "--keep" -> keep = true;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("option " + a + " needs a value");
                        }
                        String v = args[++i];
                        switch (a) {
                            case "--configs" -> configs = List.of(v.split(","));
                            case "--kills" -> kills = Integer.parseInt(v);
                            case "--gc" -> gc = List.of(v.split(","));
                            case "--seed" -> seed = Long.parseLong(v);
                            case "--run-seed" -> runSeed = Long.parseLong(v);
                            case "--json" -> json = Path.of(v);
                            case "--work" -> work = Path.of(v);
                            case "--threads" -> threads = Integer.parseInt(v);
                            case "--timeout-s" -> timeout = Long.parseLong(v);
                            case "--root" -> root = Path.of(v);
                            case "--points" -> points = Stream.of(v.split(",")).map(KillPoint::of).toList();
                            default -> throw new IllegalArgumentException("unknown option " + a + "; options: "
                                    + "--configs --kills --gc --seed --run-seed --json --work --threads --timeout-s "
                                    + "--root --points --no-repeat --keep");
                        }
                    }
                }
            }
            for (String c : configs) {
                if (!CONFIGS.contains(c)) {
                    throw new IllegalArgumentException("--configs: unknown '" + c + "'; known: " + CONFIGS);
                }
            }
            for (String g : gc) {
                if (!g.equals("default") && !g.equals("stress")) {
                    throw new IllegalArgumentException("--gc: 'default' or 'stress', was '" + g + "'");
                }
            }
            if (kills < 0) {
                throw new IllegalArgumentException("--kills must be >= 0");
            }
            return new Options(configs, kills, gc, seed, runSeed, json, work.toAbsolutePath(), threads, timeout,
                    repeat, keep, root.toAbsolutePath().normalize(), points);
        }
    }

    /** The uninterrupted run's shape, from which kill points are drawn. */
    record Plan(List<long[]> steps, Map<Integer, Long> lastTaskStep, long firstCheckpointStep, int tasks) {
        /** steps: {globalStep, task, taskStep} in order. */
        static Plan of(Path metrics) throws IOException {
            List<long[]> steps = new ArrayList<>();
            Map<Integer, Long> last = new TreeMap<>();
            long firstCheckpoint = -1;
            long lastStep = 0;
            int tasks = 0;
            for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                JsonNode n = new ObjectMapper().readTree(line);
                switch (n.path("event").asText()) {
                    case "step" -> {
                        lastStep = n.path("globalStep").asLong();
                        int task = n.path("task").asInt();
                        steps.add(new long[] {lastStep, task, n.path("taskStep").asLong()});
                        last.merge(task, n.path("taskStep").asLong(), Math::max);
                    }
                    case "checkpoint" -> {
                        if (firstCheckpoint < 0) {
                            firstCheckpoint = lastStep;
                        }
                    }
                    case "run-start" -> tasks = n.path("tasks").size();
                    default -> { }
                }
            }
            return new Plan(steps, last, Math.max(firstCheckpoint, 0), tasks);
        }

        long totalSteps() {
            return steps.isEmpty() ? 0 : steps.get(steps.size() - 1)[0];
        }

        /** A random global step after the first checkpoint and before the run's last step, not a task's last. */
        long midTaskStep(SplittableRandom r, long after) {
            List<Long> c = new ArrayList<>();
            for (long[] s : steps) {
                if (s[0] > Math.max(firstCheckpointStep, after) && s[2] != lastTaskStep.get((int) s[1])) {
                    c.add(s[0]);
                }
            }
            return c.isEmpty() ? -1 : c.get(r.nextInt(c.size()));
        }
    }

    /** One trial's record. */
    record Trial(int index, String killPoint, String target, int kills, Boolean hit, String outcome,
            String difference, List<Integer> exitCodes, String abort, int tornLines, double seconds) {}

    private KillResumeStress() {}

    /**
     * Entry point.
     *
     * @param args options, see the class comment
     * @throws Exception when the runtime cannot be prepared or a file cannot be written
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Files.createDirectories(o.work);
        Path runtime = prepareRuntime(o.root, o.work.resolve("runtime"));
        String loadBefore = uptime();
        System.out.println("kill-and-resume stress: configs " + o.configs + ", " + o.kills + " kill trials each, GC "
                + o.gcModes + ", kill-point seed " + o.seed + "; load " + loadBefore);
        Map<String, Object> results = new LinkedHashMap<>();
        List<String[]> table = new ArrayList<>();
        for (String config : o.configs) {
            Path yaml = writeConfig(config, o.runSeed, o.work.resolve("configs"));
            for (String gc : o.gcModes) {
                Map<String, Object> r = runConfig(o, runtime, config, yaml, gc);
                results.put(config + "/" + gc, r);
                table.add(row(config, gc, r));
                printTable(table);
                writeJson(o, loadBefore, results);
            }
        }
        printTable(table);
        writeJson(o, loadBefore, results);
        System.out.println("wrote " + o.json.toAbsolutePath());
    }

    private static Map<String, Object> runConfig(Options o, Path runtime, String config, Path yaml, String gc)
            throws Exception {
        Path base = o.work.resolve("runs").resolve(config).resolve(gc);
        deleteTree(base);
        List<String> cmd = command(runtime, gc);
        Map<String, String> env = environment(gc, o.threads);
        Map<String, Object> r = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        ChildRun ref = ChildRun.start(cmd, env, List.of("run", yaml.toString(), "--run-dir",
                base.resolve("reference/runs").toString()), base.resolve("reference"), base.resolve("reference/runs"),
                "run", null);
        int refExit = ref.waitFor(o.timeoutSeconds);
        r.put("referenceSeconds", (System.nanoTime() - t0) / 1e9);
        r.put("referenceExit", refExit);
        String refAbort = ref.abort(refExit);
        r.put("referenceAbort", refAbort);
        Path refDir = ref.runDir();
        if (refExit != 0 || refDir == null) {
            r.put("error", "the uninterrupted run failed (exit " + refExit + "): " + ref.stderrTail(3));
            System.out.println(config + "/" + gc + ": " + r.get("error"));
            r.put("aborts", refAbort == null ? 0 : 1);
            return r;
        }
        Plan plan = Plan.of(refDir.resolve("metrics.jsonl"));
        r.put("steps", plan.totalSteps());
        r.put("tasks", plan.tasks());
        if (o.repeat) {
            ChildRun rep = ChildRun.start(cmd, env, List.of("run", yaml.toString(), "--run-dir",
                    base.resolve("repeat/runs").toString()), base.resolve("repeat"), base.resolve("repeat/runs"),
                    "run", null);
            int exit = rep.waitFor(o.timeoutSeconds);
            String abort = rep.abort(exit);
            r.put("repeatExit", exit);
            r.put("repeatAbort", abort);
            if (exit == 0 && rep.runDir() != null) {
                RunComparison.Result c = RunComparison.compare(refDir, rep.runDir());
                r.put("repeatIdentical", c.identical());
                r.put("repeatDifference", c.difference().orElse(null));
            } else {
                r.put("repeatIdentical", false);
                r.put("repeatDifference", "repeat run failed (exit " + exit + "): " + rep.stderrTail(3));
            }
        }
        SplittableRandom random = new SplittableRandom(o.seed * 31 + config.hashCode());
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < o.kills; i++) {
            KillPoint kp = o.points.get(i % o.points.size());
            Trial t = trial(o, cmd, env, yaml, refDir, plan, kp, random, base.resolve("trial-" + i), i);
            trials.add(t);
            System.out.printf(Locale.ROOT, "  %s/%s trial %d %-16s %-28s kills %d -> %s%s%n", config, gc, i, kp.label,
                    t.target(), t.kills(), t.outcome(), t.difference() == null ? "" : " (" + t.difference() + ")");
            if (!o.keep && t.outcome().equals(Outcome.IDENTICAL.name())) {
                deleteTree(base.resolve("trial-" + i));
            }
        }
        r.put("trials", trials.size());
        r.put("kills", trials.stream().mapToInt(Trial::kills).sum());
        for (Outcome out : Outcome.values()) {
            r.put(out.name().toLowerCase(Locale.ROOT), trials.stream().filter(t -> t.outcome().equals(out.name()))
                    .count());
        }
        long aborts = trials.stream().filter(t -> t.abort() != null).count() + (refAbort == null ? 0 : 1)
                + (r.get("repeatAbort") == null ? 0 : 1);
        r.put("aborts", aborts);
        r.put("firstDifference", trials.stream().map(Trial::difference).filter(Objects::nonNull).findFirst()
                .orElse(null));
        r.put("seconds", (System.nanoTime() - t0) / 1e9);
        r.put("trialRecords", trials);
        return r;
    }

    private static Trial trial(Options o, List<String> cmd, Map<String, String> env, Path yaml, Path refDir,
            Plan plan, KillPoint kp, SplittableRandom random, Path dir, int index) throws Exception {
        long t0 = System.nanoTime();
        deleteTree(dir);
        Path runs = dir.resolve("runs");
        List<Integer> exits = new ArrayList<>();
        List<String> aborts = new ArrayList<>();
        int kills = 0;
        Boolean hit = null;
        String target;
        ChildRun child = ChildRun.start(cmd, env, List.of("run", yaml.toString(), "--run-dir", runs.toString()), dir,
                runs, "run", null);
        boolean fired;
        boolean killDone = false;
        long chainedSecond = -1;
        switch (kp) {
            case TASK_BOUNDARY -> {
                int task = plan.tasks() > 1 ? 1 + random.nextInt(plan.tasks() - 1) : 0;
                target = "task-start " + task;
                fired = child.awaitEvent(e -> isEvent(e, "task-start") && e.path("task").asInt() == task, null,
                        o.timeoutSeconds);
            }
            case EVALUATION -> {
                List<Integer> tasks = new ArrayList<>(plan.lastTaskStep().keySet());
                int task = tasks.get(random.nextInt(tasks.size()));
                long last = plan.lastTaskStep().get(task);
                target = "after step " + last + " of task " + task;
                fired = child.awaitEvent(e -> isEvent(e, "step") && e.path("task").asInt() == task
                        && e.path("taskStep").asLong() == last, null, o.timeoutSeconds);
                if (fired) {
                    kills += killed(child, exits);
                    killDone = true;
                    // A hit when the task's evaluation line had not been written yet.
                    hit = child.newEvents().stream().noneMatch(e -> isEvent(e, "evaluation")
                            && e.path("task").asInt() == task);
                }
            }
            case CHECKPOINT_WRITE -> {
                long g = plan.midTaskStep(random, 0);
                target = "first checkpoint write after step " + g;
                boolean[] armed = {false};
                fired = child.awaitEvent(e -> {
                    if (isEvent(e, "step") && e.path("globalStep").asLong() >= g) {
                        armed[0] = true;
                    }
                    return false;
                }, () -> armed[0] && child.checkpointBeingWritten(), o.timeoutSeconds);
                if (fired) {
                    kills += killed(child, exits);
                    killDone = true;
                    hit = child.checkpointBeingWritten();
                }
            }
            case CHAINED -> {
                long g1 = plan.midTaskStep(random, 0);
                chainedSecond = plan.midTaskStep(random, g1);
                target = "steps " + g1 + " and " + chainedSecond;
                fired = child.awaitEvent(stepAtLeast(g1), null, o.timeoutSeconds);
            }
            default -> {
                long g = plan.midTaskStep(random, 0);
                target = "step " + g;
                fired = child.awaitEvent(stepAtLeast(g), null, o.timeoutSeconds);
            }
        }
        if (fired && !killDone) {
            kills += killed(child, exits);
        }
        if (!fired || kills == 0) {
            int exit = exits.isEmpty() ? child.waitFor(o.timeoutSeconds) : exits.get(exits.size() - 1);
            if (exits.isEmpty()) {
                exits.add(exit);
            }
            String abort = child.abort(exit);
            // A run that ended on its own with an error before the kill point failed; one that finished was missed.
            String outcome = abort != null ? Outcome.ABORT.name()
                    : exit == 0 ? Outcome.MISSED.name() : Outcome.FAILED.name();
            return new Trial(index, kp.label, target, 0, null, outcome, abort != null ? null
                    : "run ended (exit " + exit + ") before the kill point", exits, abort, 0, seconds(t0));
        }
        addAbort(aborts, child, exits.get(exits.size() - 1));
        Path runDir = child.runDir();
        if (runDir == null) {
            return new Trial(index, kp.label, target, kills, hit, Outcome.FAILED.name(), "no run folder at the kill",
                    exits, null, 0, seconds(t0));
        }
        int resumes = 0;
        while (true) {
            resumes++;
            ChildRun resume = ChildRun.start(cmd, env, List.of("resume", runDir.toString()), dir, runs,
                    "resume-" + resumes, runDir);
            if (kp == KillPoint.CHAINED && resumes == 1 && chainedSecond > 0) {
                long g2 = chainedSecond;
                // The resume re-runs steps after its checkpoint; kill it once it logs a step at or past g2.
                if (resume.awaitEvent(stepAtLeast(g2), null, o.timeoutSeconds)) {
                    int k = killed(resume, exits);
                    kills += k;
                    addAbort(aborts, resume, exits.get(exits.size() - 1));
                    if (k == 1) {
                        continue;
                    }
                } else {
                    int exit = resume.waitFor(o.timeoutSeconds);
                    exits.add(exit);
                    addAbort(aborts, resume, exit);
                    if (exit == 0) {
                        break;
                    }
                    return failed(index, kp, target, kills, hit, exits, aborts, resume, t0);
                }
            }
            int exit = resume.waitFor(o.timeoutSeconds);
            exits.add(exit);
            addAbort(aborts, resume, exit);
            if (exit != 0) {
                return failed(index, kp, target, kills, hit, exits, aborts, resume, t0);
            }
            break;
        }
        RunComparison.Result c = RunComparison.compare(refDir, runDir);
        String abort = aborts.isEmpty() ? null : String.join("; ", aborts);
        String outcome = abort != null ? Outcome.ABORT.name()
                : c.identical() ? Outcome.IDENTICAL.name() : Outcome.DIFFERING.name();
        return new Trial(index, kp.label, target, kills, hit, outcome, c.difference().orElse(null), exits, abort,
                c.tornLines(), seconds(t0));
    }

    private static Trial failed(int index, KillPoint kp, String target, int kills, Boolean hit, List<Integer> exits,
            List<String> aborts, ChildRun resume, long t0) throws IOException {
        String abort = aborts.isEmpty() ? null : String.join("; ", aborts);
        int exit = exits.get(exits.size() - 1);
        return new Trial(index, kp.label, target, kills, hit, abort != null ? Outcome.ABORT.name()
                : Outcome.FAILED.name(), (exit == -1 ? "resume timed out" : "resume exit " + exit) + ": "
                + resume.stderrTail(2), exits, abort, 0, seconds(t0));
    }

    private static int killed(ChildRun child, List<Integer> exits) throws InterruptedException {
        int exit = child.kill();
        exits.add(exit);
        return exit == ChildRun.KILLED ? 1 : 0;
    }

    private static void addAbort(List<String> aborts, ChildRun child, int exit) throws IOException {
        String a = child.abort(exit);
        if (a != null && !aborts.contains(a)) {
            aborts.add(a);
        }
    }

    private static Predicate<JsonNode> stepAtLeast(long g) {
        return e -> isEvent(e, "step") && e.path("globalStep").asLong() >= g;
    }

    private static boolean isEvent(JsonNode e, String event) {
        return event.equals(e.path("event").asText());
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }

    /** The java command line of bin/perennial, on the private copy of the jars, with the GC mode's flags. */
    static List<String> command(Path runtime, String gc) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (gc.equals("stress")) {
            cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmn1m", "-Dperennial.gcStress=true"));
        }
        cmd.add("-XX:ErrorFile=hs_err_pid%p.log");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("--module-path");
        cmd.add(runtime.resolve("modules").toString());
        cmd.add("--class-path");
        try (Stream<Path> s = Files.list(runtime.resolve("native"))) {
            cmd.add(s.map(Path::toString).sorted().collect(Collectors.joining(":")));
        }
        cmd.add("--add-modules");
        cmd.add(PLUGIN_MODULES);
        cmd.add("-m");
        cmd.add(CLI);
        return cmd;
    }

    private static Map<String, String> environment(String gc, int threads) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DJL_OFFLINE", "true");
        String cache = System.getenv().getOrDefault("DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai");
        env.put("DJL_CACHE_DIR", cache);
        env.put("ENGINE_CACHE_DIR", System.getenv().getOrDefault("ENGINE_CACHE_DIR", cache));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        if (gc.equals("stress")) {
            env.put("MALLOC_PERTURB_", "165");
        }
        return env;
    }

    /**
     * Copies the CLI's jars (samples/target) and the plugin jars into a private folder: modules/ for the module
     * path, native/ for the class path.
     */
    static Path prepareRuntime(Path root, Path runtime) throws IOException {
        deleteTree(runtime);
        Path modules = Files.createDirectories(runtime.resolve("modules"));
        Path nat = Files.createDirectories(runtime.resolve("native"));
        List<Path> jars = new ArrayList<>();
        jars.add(jar(root.resolve("samples/target"), "perennial-samples-"));
        jars.add(jar(root.resolve("distillation/target"), "perennial-distillation-"));
        jars.add(jar(root.resolve("plugins/deepfake/target"), "perennial-plugin-deepfake-"));
        jars.add(jar(root.resolve("plugins/slerpface/target"), "perennial-plugin-slerpface-"));
        try (Stream<Path> s = Files.list(root.resolve("samples/target/lib/modules"))) {
            s.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
        }
        for (Path j : jars) {
            Files.copy(j, modules.resolve(j.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        try (Stream<Path> s = Files.list(root.resolve("samples/target/lib/native"))) {
            for (Path j : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(j, nat.resolve(j.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return runtime;
    }

    private static Path jar(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing; build first: mvn -B -o -q install -DskipTests "
                    + "-pl samples,plugins/deepfake,benchmarks -am");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(".jar") && !n.endsWith("-sources.jar")
                        && !n.endsWith("-tests.jar") && !n.endsWith("-javadoc.jar");
            }).findFirst().orElseThrow(() -> new IllegalStateException("no " + prefix + "*.jar in " + dir
                    + "; build first: mvn -B -o -q install -DskipTests -pl samples,plugins/deepfake,benchmarks -am"));
        }
    }

    /** Writes the configuration's YAML (a resource of this package), with the run seed replaced when given. */
    static Path writeConfig(String config, Long runSeed, Path dir) throws IOException {
        String text;
        try (InputStream in = KillResumeStress.class.getResourceAsStream(config + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("no resource " + config + ".yaml");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (runSeed != null) {
            text = text.replaceFirst("(?m)^seed: .*$", "seed: " + runSeed);
        }
        Files.createDirectories(dir);
        Path f = dir.resolve(config + ".yaml");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static String[] row(String config, String gc, Map<String, Object> r) {
        if (r.containsKey("error")) {
            return new String[] {config, gc, "-", "-", "-", "-", "-", "-", "-", "-", r.get("aborts").toString(),
                    String.valueOf(r.get("error"))};
        }
        Object repeat = r.get("repeatIdentical");
        return new String[] {config, gc, String.valueOf(r.get("steps")),
                repeat == null ? "-" : ((Boolean) repeat ? "yes" : "no"), String.valueOf(r.get("trials")),
                String.valueOf(r.get("kills")), String.valueOf(r.get("missed")), String.valueOf(r.get("identical")),
                String.valueOf(r.get("differing")), String.valueOf(r.get("failed")), String.valueOf(r.get("aborts")),
                Objects.toString(r.get("firstDifference") != null ? r.get("firstDifference")
                        : r.get("repeatDifference"), "")};
    }

    private static void printTable(List<String[]> rows) {
        System.out.println();
        System.out.println("| config | GC | steps | repeat identical | trials | kills | missed | bit-identical | "
                + "differing | failed | JVM aborts | first difference |");
        System.out.println("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
        System.out.println();
    }

    private static void writeJson(Options o, String loadBefore, Map<String, Object> results) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "kill-and-resume stress (issue 16)");
        json.put("date", ZonedDateTime.now().toString());
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("configs", o.configs);
        opts.put("kills", o.kills);
        opts.put("gc", o.gcModes);
        opts.put("seed", o.seed);
        opts.put("runSeed", o.runSeed);
        opts.put("points", o.points.stream().map(k -> k.label).toList());
        opts.put("threads", o.threads);
        opts.put("repeatReference", o.repeat);
        json.put("options", opts);
        json.put("loadBefore", loadBefore);
        json.put("loadAfter", uptime());
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        json.put("stressFlags", "-XX:+UseSerialGC -Xmn1m -Dperennial.gcStress=true, MALLOC_PERTURB_=165");
        json.put("gitHead", gitHead(o.root));
        json.put("samplesJarModified", modified(o.work.resolve("runtime/modules")));
        json.put("results", results);
        Path parent = o.json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(o.json.toFile(), json);
    }

    private static String gitHead(Path root) {
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "n/a";
        } catch (IOException e) {
            return "n/a";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "n/a";
        }
    }

    /** When the copied samples jar was built (its modification time), so results can be tied to a build. */
    private static String modified(Path modules) {
        try (Stream<Path> s = Files.list(modules)) {
            return s.filter(p -> p.getFileName().toString().startsWith("perennial-samples-")).findFirst()
                    .map(p -> {
                        try {
                            return Files.getLastModifiedTime(p).toString();
                        } catch (IOException e) {
                            return "n/a";
                        }
                    }).orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
