package dev.perennial.benchmarks.safe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.StepEvent;
import dev.perennial.benchmarks.replay.ReplayBenchmark;
import dev.perennial.continual.safe.InferenceHeadReport;
import dev.perennial.continual.safe.ReferenceClassOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * SAFE against the PTM baselines on real data: class-incremental CIFAR-100 (B0-Inc10, all 10 sessions) through the
 * public builder, for several class orders, with SAFE's ablations, and a small ViT that the benchmark pre-trains on
 * CIFAR-10 (cached outside git) as the PTM, or a timm checkpoint given with {@code --checkpoint}. Prints average
 * incremental and last accuracy per method (mean ± standard deviation over the class orders) and writes JSON.
 *
 * <p>What keeps the protocol affordable on two cores:
 * <ul>
 *   <li>Inference-only ablations come from the trained SAFE run itself: with {@code reportHeads} the learner also
 *       scores the slow-only, fast-only and plain-average (γ = 0) heads of the same trained learners on every
 *       evaluation batch ({@link InferenceHeadReport}). "No transfer loss" changes training and runs on its own.</li>
 *   <li>Prototype and ridge baselines train nothing after their first session, so the loop skips those steps.</li>
 *   <li>Images are decoded once per run ({@code decoded-image-set}), not once per epoch and evaluation.</li>
 *   <li>Runs are independent processes, {@code --workers} at a time, each with one intra-op thread; the longest
 *       start first.</li>
 * </ul>
 *
 * <p>Class orders: {@code safe1993} is SAFE's released CIFAR-100 order (numpy's seed-1993 permutation,
 * {@link ReferenceClassOrder}), given to the data set as an explicit order; an integer is a seed of the
 * class-incremental scenario's own shuffle of the folder order.
 *
 * <p>The defaults are the measured configuration of BENCHMARKS.md (about 1,900 s of CPU in all, so about 16 minutes
 * on two idle cores with two workers).
 *
 * <p>The from-scratch learners {@code finetune, lwf, ewc, er, der, derpp, icarl, gdumb} run on the same ViT through
 * their {@code ptm-vit} backbone (same checkpoint, every ViT weight trained unless {@code --freeze all|blocks<k}),
 * with the same memory {@code --memory} (2,000 examples, PyCIL's CIFAR-100 convention) for every rehearsal learner,
 * {@code --replay-batch-size} (48) and {@code --ewc-lambda} (100); their rows add forgetting and memory. The prompt
 * methods take {@code --prompt-optimizer adamw --prompt-learning-rate 0.001} (their papers' Adam) when given, the
 * SAFE protocol's SGD otherwise.
 *
 * <pre>
 * bin/benchmark safe.SafeBenchmark [--methods safe,safe-no-transfer,ranpac,aper,simplecil,ptm-finetune,l2p,...]
 *     [--orders safe1993,1,2] [--train-per-class 150] [--test-per-class 50] [--epochs 2] [--workers 2] ...
 * </pre>
 */
public final class SafeBenchmark {
    private SafeBenchmark() {}

    /** The methods run by default; {@code safe} also yields its inference ablations. */
    static final String DEFAULT_METHODS =
            "safe,safe-no-transfer,ranpac,aper,simplecil,ptm-finetune,l2p,dualprompt,coda-prompt";

    /** Table rows that come from SAFE's head report, with the head each one reads. */
    static final Map<String, String> HEAD_ROWS = headRows();

    private static Map<String, String> headRows() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("safe (from the head report)", "entropy");
        m.put("safe-slow: slow learner only", "slow-own");
        m.put("safe-fast: fast learner only", "fast-own");
        m.put("safe-average: no entropy weighting (γ = 0)", "average");
        m.put("safe-slow-pooled: slow head of the full method", "slow");
        m.put("safe-fast-pooled: fast head of the full method", "fast");
        return m;
    }

    /**
     * One class-incremental run of one method in one class order, as a child process reports it.
     *
     * @param method the method
     * @param order the class order's name
     * @param incrementalAccuracies A_k after each task (the loop's report)
     * @param averageIncrementalAccuracy mean of A_k
     * @param lastAccuracy A_T
     * @param forgetting the loop's average forgetting after the last task
     * @param memoryExamples examples in the learner's memory at the end (rehearsal learners; 0 otherwise)
     * @param memoryBytes bytes of that memory
     * @param heads with {@code reportHeads}: per head, A_k from the head report
     * @param lossSummary per task, the mean of each loss term over the first and over the last tenth of its steps
     * @param trainSeconds the loop's training time
     * @param wallSeconds the run's wall time in the child, data decoding included
     * @param cpuSeconds the child process's CPU time (user + system) at the end of the run
     */
    record JobResult(String method, String order, List<Double> incrementalAccuracies,
                     double averageIncrementalAccuracy, double lastAccuracy, double forgetting, long memoryExamples,
                     long memoryBytes, Map<String, List<Double>> heads,
                     List<Map<String, Object>> lossSummary, double trainSeconds, double wallSeconds,
                     double cpuSeconds) {}

    /**
     * Runs the benchmark, or with {@code --job method@order} one run of it (the child process).
     *
     * @param args {@code --name value} options
     * @throws IOException when the data or the JSON file cannot be read or written
     * @throws InterruptedException when interrupted while waiting for a child
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        System.setProperty("ai.djl.offline", "true");
        Options o = new Options(parse(args));
        if (o.job != null) {
            runJob(o);
            return;
        }
        long wallStart = System.nanoTime();
        Map<String, Object> ptmInfo = o.ensurePtm();
        List<String[]> jobs = new ArrayList<>();
        for (String order : o.orders) {
            for (String method : o.methods) {
                jobs.add(new String[] {method, order});
            }
        }
        // Longest first, so that the two workers finish together.
        jobs.sort(Comparator.comparingDouble((String[] j) -> -relativeCost(j[0])));
        Path logs = o.workDir.resolve("safe-logs");
        Files.createDirectories(logs);
        ConcurrentLinkedQueue<String[]> queue = new ConcurrentLinkedQueue<>(jobs);
        Map<String, JobResult> results = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < o.workers; w++) {
            Thread t = new Thread(() -> {
                String[] job;
                while ((job = queue.poll()) != null) {
                    try {
                        JobResult r = runChild(args, job[0], job[1], logs, o.ptmCheckpoint);
                        results.put(job[0] + "@" + job[1], r);
                        System.out.printf(Locale.ROOT, "%-17s order %-8s: average incremental %.4f, last %.4f "
                                + "(wall %.0f s, CPU %.0f s)%n", r.method(), r.order(),
                                r.averageIncrementalAccuracy(), r.lastAccuracy(), r.wallSeconds(), r.cpuSeconds());
                    } catch (IOException | RuntimeException e) {
                        failures.add(job[0] + "@" + job[1] + ": " + e.getMessage());
                        System.out.println("FAILED " + job[0] + "@" + job[1] + ": " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "safe-benchmark-worker-" + w);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double parentCpu = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
        report(o, args, ptmInfo, jobs, results, failures, wall, parentCpu);
        if (!failures.isEmpty()) {
            System.exit(1);
        }
    }

    /** A rough relative cost of a method's run, to start the longest first. */
    static double relativeCost(String method) {
        return switch (method) {
            case "simplecil" -> 0.5;
            case "aper", "ranpac" -> 1.0;
            case "ptm-finetune", "l2p", "dualprompt", "coda-prompt", "finetune", "lwf", "ewc" -> 2.0;
            case "er", "der", "derpp", "gdumb", "icarl" -> 2.5;
            default -> 3.0;
        };
    }

    /** Starts this program as a child process for one run and reads its result. */
    private static JobResult runChild(String[] args, String method, String order, Path logs, String checkpoint)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        List<String> jvm = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
        // One intra-op and one inter-op thread per run: the runs are the parallelism (see the project's CPU rules).
        if (jvm.stream().noneMatch(a -> a.startsWith("-Dai.djl.pytorch.num_threads="))) {
            jvm.add("-Dai.djl.pytorch.num_threads=1");
        }
        if (jvm.stream().noneMatch(a -> a.startsWith("-Dai.djl.pytorch.num_interop_threads="))) {
            jvm.add("-Dai.djl.pytorch.num_interop_threads=1");
        }
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SafeBenchmark.class.getName());
        cmd.addAll(Arrays.asList(args));
        String name = method + "@" + order;
        Path out = logs.resolve(name + ".json");
        Files.deleteIfExists(out);
        cmd.addAll(List.of("--job", name, "--job-out", out.toString(), "--checkpoint", checkpoint));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("DJL_OFFLINE", "true");
        int rc = pb.start().waitFor();
        if (rc != 0 || !Files.isRegularFile(out)) {
            throw new IllegalStateException("run " + name + " exited with " + rc + "; see " + logs.resolve(name
                    + ".log"));
        }
        return new ObjectMapper().readValue(out.toFile(), JobResult.class);
    }

    /** The child: one run through {@code Perennial.builder()}, its result written as JSON. */
    private static void runJob(Options o) throws IOException {
        String[] parts = o.job.split("@", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("--job must be method@order, was '" + o.job + "'");
        }
        String method = parts[0];
        String order = parts[1];
        long start = System.nanoTime();
        Map<String, Object> learner = learnerConfig(method, o.backbone(o.ptmCheckpoint), o.projection, o.replay());
        if (method.equals("coda-prompt")) {
            // The released 100 components over 10 tasks: 10 per task, whatever --tasks/--increment give; fewer when
            // the PTM is narrower than that many (orthogonal D-dimensional keys: at most D of them).
            int all = (100 + o.increment - 1) / o.increment;
            int tasks = o.maxTasks > 0 ? Math.min(o.maxTasks, all) : all;
            learner.put("poolSize", tasks * Math.min(10, o.dim / tasks));
        }
        String learnerName = method.startsWith("safe") ? "safe" : method.startsWith("ranpac") ? "ranpac" : method;
        Path runs = o.workDir.resolve("safe-runs").resolve(o.job);
        deleteTree(runs);
        Files.createDirectories(runs);
        StepTerms steps = new StepTerms();
        RunReport report = Perennial.builder()
                .name("cifar100-" + method + "-" + order)
                .seed(1)
                .dataset("decoded-image-set", o.dataset(order))
                .scenario("class-incremental", Map.of("increment", o.increment, "classOrderSeed",
                        classOrderSeed(order), "maxTasks", o.maxTasks))
                .learner(learnerName, learner)
                .training(o.training(method))
                .runDirectory(runs)
                .build()
                .run(steps);
        Map<String, List<Double>> heads = new LinkedHashMap<>();
        if (Boolean.TRUE.equals(learner.get("reportHeads"))) {
            Path file;
            try (Stream<Path> s = Files.walk(runs)) {
                file = s.filter(p -> p.getFileName().toString().equals(InferenceHeadReport.FILE_NAME)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no " + InferenceHeadReport.FILE_NAME + " under "
                                + runs));
            }
            InferenceHeadReport.read(file).matrices().forEach((head, m) -> heads.put(head, incremental(m)));
        }
        double cpu = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
        long[] memory = ReplayBenchmark.memoryOf(report);
        JobResult r = new JobResult(method, order, report.summary().incrementalAccuracies(),
                report.summary().averageIncrementalAccuracy(), report.summary().lastAccuracy(),
                report.summary().forgetting(), memory[0], memory[1], heads,
                steps.summary(), report.timings().getOrDefault("train", Double.NaN),
                (System.nanoTime() - start) / 1e9, cpu);
        // Checkpoints hold the ridge statistics (M×M per head and task): not worth keeping.
        deleteTree(runs);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(o.jobOut).toFile(), r);
    }

    /** A_k = mean over the tasks seen after k tasks, as the loop computes it. */
    static List<Double> incremental(double[][] matrix) {
        List<Double> out = new ArrayList<>();
        for (int k = 0; k < matrix.length; k++) {
            double sum = 0;
            for (int j = 0; j <= k; j++) {
                sum += matrix[k][j];
            }
            out.add(sum / (k + 1));
        }
        return out;
    }

    /** Per task, the mean of each loss term over the first and the last tenth of the task's steps. */
    static final class StepTerms implements RunListener {
        private final Map<Integer, List<Map<String, Double>>> byTask = new TreeMap<>();

        @Override
        public void onStep(StepEvent event) {
            if (!event.skipped()) {
                Map<String, Double> t = new LinkedHashMap<>(event.terms());
                t.put("total", event.loss());
                byTask.computeIfAbsent(event.task(), k -> new ArrayList<>()).add(t);
            }
        }

        List<Map<String, Object>> summary() {
            List<Map<String, Object>> out = new ArrayList<>();
            byTask.forEach((task, steps) -> {
                int tenth = Math.max(1, steps.size() / 10);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("task", task);
                m.put("steps", steps.size());
                m.put("first", mean(steps.subList(0, tenth)));
                m.put("last", mean(steps.subList(steps.size() - tenth, steps.size())));
                out.add(m);
            });
            return out;
        }

        private static Map<String, Double> mean(List<Map<String, Double>> steps) {
            Map<String, Double> sum = new LinkedHashMap<>();
            for (Map<String, Double> s : steps) {
                s.forEach((k, v) -> sum.merge(k, v, Double::sum));
            }
            sum.replaceAll((k, v) -> v / steps.size());
            return sum;
        }
    }

    /** The scenario's shuffle seed: -1 (keep the data set's order) for an explicit order. */
    static long classOrderSeed(String order) {
        if (order.equals("safe1993")) {
            return -1;
        }
        try {
            return Long.parseLong(order);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--orders: '" + order + "' is neither safe1993 (SAFE's CIFAR-100 "
                    + "order) nor an integer seed");
        }
    }

    /**
     * The learner configuration of a method name. {@code safe} reports every inference head;
     * {@code safe-no-transfer} sets λ_diag = λ_rdn = 0; {@code safe-slow}, {@code safe-fast} and {@code safe-average}
     * train SAFE again and predict with one head (the head report gives the same numbers from one run);
     * {@code safe-earlier} and {@code ranpac-earlier} are the SDK before issue 17 (SAFE: one joint ridge solve with
     * one λ, one forward for every loss term; RanPAC: SAFE's λ grid 1e3..1e8, σ = 10).
     */
    static Map<String, Object> learnerConfig(String method, Map<String, Object> backbone, int projection) {
        return learnerConfig(method, backbone, projection, Replay.DEFAULTS);
    }

    /** The from-scratch learners that this benchmark runs on its ViT through the {@code ptm-vit} backbone. */
    static final List<String> REPLAY_METHODS = List.of("finetune", "lwf", "ewc", "er", "der", "derpp", "icarl",
            "gdumb");

    /**
     * Settings of the from-scratch learners (finetune, lwf, ewc and the rehearsal learners) on the PTM.
     *
     * @param memory M in examples, the same for every rehearsal learner
     * @param replayBatch examples drawn from the memory per step
     * @param ewcLambda EWC's λ
     * @param freeze which ViT weights stay fixed: none, all or blocks&lt;k
     */
    record Replay(int memory, int replayBatch, double ewcLambda, String freeze) {
        static final Replay DEFAULTS = new Replay(2000, 48, 100, "none");
    }

    /**
     * The learner configuration of a method name; {@link #REPLAY_METHODS} get a {@code ptm-vit} backbone on the same
     * checkpoint and architecture as the PTM learners.
     */
    static Map<String, Object> learnerConfig(String method, Map<String, Object> backbone, int projection,
                                             Replay replay) {
        if (REPLAY_METHODS.contains(method)) {
            Map<String, Object> vit = new LinkedHashMap<>();
            for (String k : List.of("checkpoint", "imageSize", "patchSize", "embedDim", "depth", "numHeads")) {
                if (backbone.containsKey(k)) {
                    vit.put(k, backbone.get(k));
                }
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", "ptm-vit");
            b.put("featureDim", backbone.getOrDefault("embedDim", 768));
            b.put("vit", vit);
            b.put("freeze", replay.freeze());
            return new LinkedHashMap<>(ReplayBenchmark.learnerConfig(method, b, replay.memory(), replay.replayBatch(),
                    replay.ewcLambda()));
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("backbone", backbone);
        switch (method) {
            case "safe", "safe-no-transfer", "safe-slow", "safe-fast", "safe-average", "safe-earlier" -> {
                c.put("projectionWidth", projection);
                switch (method) {
                    case "safe" -> c.put("reportHeads", true);
                    case "safe-earlier" -> {
                        c.put("pooledStatisticsOrder", "joint");
                        c.put("secondForward", false);
                    }
                    case "safe-no-transfer" -> {
                        c.put("lambdaDiag", 0.0);
                        c.put("lambdaRdn", 0.0);
                    }
                    case "safe-slow" -> c.put("inference", "slow");
                    case "safe-fast" -> c.put("inference", "fast");
                    default -> c.put("gamma", 0.0);
                }
            }
            case "ranpac" -> c.put("projectionWidth", projection);
            case "ranpac-earlier" -> {
                c.put("projectionWidth", projection);
                c.put("ridgeLambdas", List.of(1e3, 1e4, 1e5, 1e6, 1e7, 1e8));
                c.put("sigma", 10.0);
            }
            case "aper", "simplecil" -> { }
            case "ptm-finetune" -> c.put("tune", "full");
            // Prompt baselines (prompts.md) with their released defaults; the prefix blocks that a ViT shallower
            // than ViT-B's 12 blocks lacks are dropped (DualPrompt's E-prompts at 2-4, CODA's at 0-4).
            case "l2p" -> { }
            case "dualprompt" -> c.put("eLayers", blocksBelow(List.of(2, 3, 4), backbone));
            case "coda-prompt" -> c.put("layers", blocksBelow(List.of(0, 1, 2, 3, 4), backbone));
            default -> throw new IllegalArgumentException("--methods: unknown method '" + method + "'; known: safe, "
                    + "safe-no-transfer, safe-slow, safe-fast, safe-average, safe-earlier, ranpac, ranpac-earlier, "
                    + "aper, simplecil, ptm-finetune, l2p, dualprompt, coda-prompt, " + String.join(", ",
                    REPLAY_METHODS));
        }
        return c;
    }

    private static List<Integer> blocksBelow(List<Integer> blocks, Map<String, Object> backbone) {
        int depth = backbone.get("depth") instanceof Number n ? n.intValue() : 12;
        return blocks.stream().filter(b -> b < depth).toList();
    }

    /** Prints the table and writes the JSON. */
    private static void report(Options o, String[] args, Map<String, Object> ptmInfo, List<String[]> jobs,
                               Map<String, JobResult> results, List<String> failures, double wall,
                               double parentCpu) throws IOException {
        Map<String, Map<String, List<Double>>> rows = new LinkedHashMap<>();
        List<Double> entropyVsLoop = new ArrayList<>();
        for (String method : o.methods) {
            for (String order : o.orders) {
                JobResult r = results.get(method + "@" + order);
                if (r == null) {
                    continue;
                }
                rows.computeIfAbsent(method, k -> new LinkedHashMap<>()).put(order, r.incrementalAccuracies());
                if (!r.heads().isEmpty()) {
                    HEAD_ROWS.forEach((row, head) -> rows.computeIfAbsent(row, k -> new LinkedHashMap<>())
                            .put(order, r.heads().get(head)));
                    List<Double> e = r.heads().get("entropy");
                    for (int k = 0; k < e.size(); k++) {
                        entropyVsLoop.add(Math.abs(e.get(k) - r.incrementalAccuracies().get(k)));
                    }
                }
            }
        }
        double cpuSum = parentCpu + results.values().stream().mapToDouble(JobResult::cpuSeconds).sum();
        System.out.println();
        System.out.printf(Locale.ROOT, "CIFAR-100 B0-Inc%d, %d train and %d test images per class, %d epochs per "
                + "task, orders %s, PTM %s%n", o.increment, o.trainPerClass, o.testPerClass, o.epochs, o.orders,
                ptmInfo.get("kind"));
        System.out.println("| method | average incremental accuracy | last accuracy | forgetting | memory (examples / KiB)"
                + " | orders | per order (avg / last) |");
        System.out.println("|---|---|---|---|---|---|---|");
        List<Map<String, Object>> table = new ArrayList<>();
        rows.forEach((row, byOrder) -> {
            double[] avg = byOrder.values().stream().mapToDouble(SafeBenchmark::mean).toArray();
            double[] last = byOrder.values().stream().mapToDouble(l -> l.get(l.size() - 1)).toArray();
            StringBuilder per = new StringBuilder();
            byOrder.forEach((order, l) -> per.append(per.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                    "%s: %.4f / %.4f", order, mean(l), l.get(l.size() - 1))));
            // Forgetting and memory of the method's own runs (head-report rows have none).
            double[] forgetting = byOrder.keySet().stream().map(order -> results.get(row + "@" + order))
                    .filter(r -> r != null).mapToDouble(JobResult::forgetting).toArray();
            long[] memory = byOrder.keySet().stream().map(order -> results.get(row + "@" + order))
                    .filter(r -> r != null).mapToLong(JobResult::memoryExamples).toArray();
            long[] bytes = byOrder.keySet().stream().map(order -> results.get(row + "@" + order))
                    .filter(r -> r != null).mapToLong(JobResult::memoryBytes).toArray();
            String forget = forgetting.length == 0 ? "-" : String.format(Locale.ROOT, "%.4f ± %.4f",
                    mean(forgetting), std(forgetting));
            String mem = memory.length == 0 ? "-" : memory[0] + " / " + bytes[0] / 1024;
            System.out.printf(Locale.ROOT, "| %s | %.4f ± %.4f | %.4f ± %.4f | %s | %s | %d | %s |%n", row, mean(avg),
                    std(avg), mean(last), std(last), forget, mem, byOrder.size(), per);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("row", row);
            m.put("orders", new ArrayList<>(byOrder.keySet()));
            m.put("averageIncrementalMean", mean(avg));
            m.put("averageIncrementalStd", std(avg));
            m.put("lastMean", mean(last));
            m.put("lastStd", std(last));
            if (forgetting.length > 0) {
                m.put("forgettingMean", mean(forgetting));
                m.put("forgettingStd", std(forgetting));
                m.put("memoryExamples", memory[0]);
                m.put("memoryBytes", bytes[0]);
            }
            m.put("incrementalAccuracies", byOrder);
            table.add(m);
        });
        double maxDiff = entropyVsLoop.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "head report vs the loop's accuracy for SAFE's own prediction: max |Δ| = %.2e"
                + " over %d values%n", maxDiff, entropyVsLoop.size());
        System.out.printf(Locale.ROOT, "wall %.0f s; CPU %.0f s (user + system, all runs and this process); "
                + "%d workers; %d runs%n", wall, cpuSum, o.workers, results.size());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "safe/cifar100");
        json.put("arguments", Arrays.asList(args));
        json.put("ptm", ptmInfo);
        json.put("backbone", o.backbone(o.ptmCheckpoint));
        json.put("dataset", o.dataset(o.orders.get(0)).entrySet().stream().filter(e -> !e.getKey().equals(
                "classOrder")).collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
        json.put("orders", o.orders);
        json.put("training", o.training("safe"));
        json.put("promptTraining", o.training("l2p"));
        json.put("replay", o.replay());
        json.put("projectionWidth", o.projection);
        json.put("workers", o.workers);
        json.put("wallSeconds", wall);
        json.put("cpuSeconds", cpuSum);
        json.put("headReportMaxDifferenceFromLoop", maxDiff);
        json.put("table", table);
        json.put("runs", jobs.stream().map(j -> results.get(j[0] + "@" + j[1])).filter(r -> r != null).toList());
        json.put("failures", failures);
        Files.createDirectories(o.out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.out.toFile(), json);
        System.out.println("wrote " + o.out);
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n − 1); 0 for one value. */
    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("arguments are --name value pairs; got '" + args[i] + "'");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    /** The command-line options and what derives from them. */
    private static final class Options {
        final Map<String, String> raw;
        final Path cifar100;
        final Path cifar10;
        final List<String> methods;
        final List<String> orders;
        final int trainPerClass;
        final int testPerClass;
        final int increment;
        final int maxTasks;
        final int epochs;
        final int batchSize;
        final double lr;
        final int projection;
        final int dim;
        final int depth;
        final int heads;
        final int patch;
        final int bottleneck;
        final int workers;
        final Replay replay;
        final String promptOptimizer;
        final double promptLr;
        final Path out;
        final Path workDir;
        final String job;
        final String jobOut;
        String ptmCheckpoint;

        Options(Map<String, String> o) {
            this.raw = o;
            cifar100 = Path.of(o.getOrDefault("cifar100", "../shared/data/cifar100.zip"));
            cifar10 = Path.of(o.getOrDefault("cifar10", "../shared/data/cifar10.zip"));
            methods = List.of(o.getOrDefault("methods", DEFAULT_METHODS).split(","));
            methods.forEach(m -> learnerConfig(m, Map.of(), 1));
            replay = new Replay(Integer.parseInt(o.getOrDefault("memory", "2000")),
                    Integer.parseInt(o.getOrDefault("replay-batch-size", "48")),
                    Double.parseDouble(o.getOrDefault("ewc-lambda", "100")), o.getOrDefault("freeze", "none"));
            promptOptimizer = o.getOrDefault("prompt-optimizer", "sgd");
            if (!List.of("sgd", "adamw").contains(promptOptimizer)) {
                throw new IllegalArgumentException("--prompt-optimizer must be sgd or adamw, was '" + promptOptimizer
                        + "'");
            }
            promptLr = Double.parseDouble(o.getOrDefault("prompt-learning-rate", Double.toString(
                    Double.parseDouble(o.getOrDefault("learning-rate", "0.01")))));
            orders = List.of(o.getOrDefault("orders", "safe1993,1,2").split(","));
            orders.forEach(SafeBenchmark::classOrderSeed);
            trainPerClass = Integer.parseInt(o.getOrDefault("train-per-class", "150"));
            testPerClass = Integer.parseInt(o.getOrDefault("test-per-class", "50"));
            increment = Integer.parseInt(o.getOrDefault("increment", "10"));
            maxTasks = Integer.parseInt(o.getOrDefault("tasks", "0"));
            epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
            batchSize = Integer.parseInt(o.getOrDefault("batch-size", "48"));
            lr = Double.parseDouble(o.getOrDefault("learning-rate", "0.01"));
            projection = Integer.parseInt(o.getOrDefault("projection", "1000"));
            dim = Integer.parseInt(o.getOrDefault("dim", "64"));
            depth = Integer.parseInt(o.getOrDefault("depth", "4"));
            heads = Integer.parseInt(o.getOrDefault("heads", "4"));
            patch = Integer.parseInt(o.getOrDefault("patch", "4"));
            bottleneck = Integer.parseInt(o.getOrDefault("adapter-bottleneck", "16"));
            workers = Integer.parseInt(o.getOrDefault("workers", "2"));
            if (workers < 1) {
                throw new IllegalArgumentException("--workers must be >= 1, was " + workers);
            }
            out = Path.of(o.getOrDefault("out", "target/benchmarks/safe-cifar100.json"));
            workDir = Path.of(o.getOrDefault("work", "target/benchmarks"));
            job = o.get("job");
            jobOut = o.get("job-out");
            ptmCheckpoint = o.get("checkpoint");
        }

        /** Pre-trains (or reuses) the PTM unless a checkpoint was given; returns what to report about it. */
        Map<String, Object> ensurePtm() throws IOException {
            Map<String, Object> info = new LinkedHashMap<>();
            if (ptmCheckpoint == null) {
                PtmPretraining pre = new PtmPretraining(cifar10, 32, patch, dim, depth, heads,
                        Integer.parseInt(raw.getOrDefault("pretrain-per-class", "1000")),
                        Integer.parseInt(raw.getOrDefault("pretrain-epochs", "4")), 1);
                System.out.println("PTM: pre-training (or reusing) a ViT on CIFAR-10 " + pre);
                PtmPretraining.Result r = pre.checkpoint(Path.of(raw.getOrDefault("cache",
                        "target/benchmarks/ptm-cache")));
                ptmCheckpoint = r.checkpoint().toString();
                System.out.printf(Locale.ROOT, "PTM: %s, CIFAR-10 test accuracy %.4f%s%n", ptmCheckpoint,
                        r.testAccuracy(), r.cached() ? " (cached)" : String.format(Locale.ROOT, " (%.0f s)",
                                r.seconds()));
                info.put("kind", "pre-trained by this benchmark on CIFAR-10 (supervised, AdamW)");
                info.put("pretraining", pre.toString());
                info.put("cifar10TestAccuracy", r.testAccuracy());
            } else {
                info.put("kind", "user checkpoint");
            }
            info.put("checkpoint", ptmCheckpoint);
            return info;
        }

        Map<String, Object> backbone(String checkpoint) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("checkpoint", checkpoint);
            b.put("imageSize", 32);
            b.put("patchSize", patch);
            b.put("embedDim", dim);
            b.put("depth", depth);
            b.put("numHeads", heads);
            b.put("pet", raw.getOrDefault("pet", "adapter"));
            b.put("adapterBottleneck", bottleneck);
            return b;
        }

        Map<String, Object> dataset(String order) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", cifar100.toString());
            d.put("trainPerClass", trainPerClass);
            d.put("testPerClass", testPerClass);
            d.put("classOrder", order.equals("safe1993") ? ReferenceClassOrder.CIFAR100_SEED_1993 : List.of());
            return d;
        }

        Replay replay() {
            return replay;
        }

        /**
         * The training settings of a method: the SAFE protocol's SGD for every method, except that the prompt
         * methods take {@code --prompt-optimizer adamw} (Adam without weight decay, as their released configs)
         * when given.
         */
        Map<String, Object> training(String method) {
            Map<String, Object> t = new LinkedHashMap<>();
            boolean prompt = List.of("l2p", "dualprompt", "coda-prompt").contains(method);
            if (prompt && promptOptimizer.equals("adamw")) {
                t.put("optimizer", "adamw");
                t.put("learningRate", promptLr);
                t.put("weightDecay", 0.0);
            } else {
                t.put("optimizer", "sgd");
                t.put("learningRate", prompt ? promptLr : lr);
                t.put("momentum", 0.9);
                t.put("weightDecay", 5e-4);
            }
            t.put("schedule", "cosine");
            t.put("epochs", epochs);
            t.put("batchSize", batchSize);
            t.put("evalBatchSize", 200);
            t.put("resetOptimizerEachTask", true);
            return t;
        }
    }
}
