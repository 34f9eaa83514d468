package dev.perennial.benchmarks.perf;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.benchmarks.BenchmarkArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Issue #11's side-by-side: for ViT-S/16 (224 px), ResNet-18-CIFAR (32 px) and a LLaMA-block classifier, the steps/s
 * of (a) a bare DJL loop ({@link BareDjlSteps}), (b) Perennial's shared loop with a learner, mixup and the accuracy
 * metric ({@link SharedLoopSteps}), (c) PyTorch eager ({@code benchmarks/python/step_benchmark.py}, run as a child
 * process), and (d) the fp32 GEMM throughput of DJL's libtorch ({@link GemmThroughput}) and of that torch, with each
 * model's achieved FLOP/s as a share of it.
 *
 * <p>Rounds interleave the sides because the machine is shared: per workload and round, (a) and (b) alternate step
 * by step in one run (a bare step runs at the start of each of the loop's steps, through the {@link StepPartner}
 * instrument, and is timed apart from it; {@code --paired false} runs them one after the other instead), and (c) runs before them in odd rounds and after
 * them in even ones. The headline ratios (b)/(a) and (b)/(c) are medians of per-round ratios, which load drifts
 * affect far less than the absolute rates. Run with one intra-op thread on every side ({@code -Dai.djl.pytorch.num_threads=1}; the
 * Python side gets {@code OMP_NUM_THREADS=1} and {@code torch.set_num_threads(1)}).
 *
 * <pre>
 * LoopOverheadBenchmark [--rounds 3] [--plan vit_s16_224:8:1:3,resnet18_cifar:32:1:4,llama_block_d256_s64:8:3:30]
 *     [--gemm 2048] [--python /usr/bin/python3] [--script benchmarks/python/step_benchmark.py]
 *     [--lr 0.01] [--momentum 0.9] [--json benchmarks/results/loop-overhead.json] [--skip-python false] [--paired true]
 *     [--mixup true]
 * </pre>
 * A plan entry is {@code workload:batch:warmup:steps}.
 */
public final class LoopOverheadBenchmark {
    /** The {@code --name} arguments this program accepts. */
    private static final Set<String> ARGUMENTS = Set.of(
            "gemm", "json", "lr", "mixup", "momentum", "paired", "plan", "python", "rounds", "script", "skip-python");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int POOL = 64;
    private static final long POOL_SEED = 11;

    /**
     * One workload's settings.
     *
     * @param workload the model
     * @param batch the batch size
     * @param warmup untimed steps per side and round
     * @param steps timed steps per side and round
     */
    public record PlanEntry(StepWorkload workload, int batch, int warmup, int steps) {
        /** Validates. */
        public PlanEntry {
            if (batch < 1 || warmup < 1 || steps < 1) {
                throw new IllegalArgumentException("--plan " + workload.id() + ": batch, warmup and steps must be >= 1;"
                        + " were " + batch + ", " + warmup + ", " + steps);
            }
            if ((long) (warmup + steps) * batch < StepWorkload.CLASSES) {
                throw new IllegalArgumentException("--plan " + workload.id() + ": (warmup + steps) × batch must be >= "
                        + StepWorkload.CLASSES + " (the loop side's task needs an example of every class)");
            }
        }

        static PlanEntry parse(String text) {
            String[] f = text.split(":");
            if (f.length != 4) {
                throw new IllegalArgumentException("--plan entries are workload:batch:warmup:steps, got '" + text + "'");
            }
            try {
                return new PlanEntry(StepWorkload.of(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--plan entry '" + text + "': batch, warmup, steps must be integers", e);
            }
        }
    }

    private LoopOverheadBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws IOException when the JSON cannot be written or the Python side's JSON cannot be read
     * @throws InterruptedException when interrupted while the Python side runs
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> o = BenchmarkArgs.parse(args, ARGUMENTS);
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
        List<PlanEntry> plan = new ArrayList<>();
        for (String e : o.getOrDefault("plan",
                "vit_s16_224:8:1:3,resnet18_cifar:32:1:4,llama_block_d256_s64:8:3:30").split(",")) {
            plan.add(PlanEntry.parse(e.trim()));
        }
        int gemmN = Integer.parseInt(o.getOrDefault("gemm", "2048"));
        String python = o.getOrDefault("python", "/usr/bin/python3");
        Path script = Path.of(o.getOrDefault("script", "benchmarks/python/step_benchmark.py"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.01"));
        double momentum = Double.parseDouble(o.getOrDefault("momentum", "0.9"));
        boolean skipPython = Boolean.parseBoolean(o.getOrDefault("skip-python", "false"));
        boolean paired = Boolean.parseBoolean(o.getOrDefault("paired", "true"));
        boolean mixup = Boolean.parseBoolean(o.getOrDefault("mixup", "true"));
        Path json = Path.of(o.getOrDefault("json", "benchmarks/results/loop-overhead.json"));
        if (!skipPython && !Files.isRegularFile(script)) {
            throw new IllegalArgumentException("--script " + script + " does not exist; run from the repository root");
        }
        String threads = System.getProperty("ai.djl.pytorch.num_threads", "engine default");
        System.out.printf(Locale.ROOT, "DJL %s + %s %s, intra-op threads %s (Python side 1), %d cores, load %s%n",
                Engine.getDjlVersion(), Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(),
                threads, Runtime.getRuntime().availableProcessors(), loadAverage());
        HostTensors pool = null;
        StepWorkload poolFor = null;
        List<Map<String, Object>> roundRecords = new ArrayList<>();
        Path tmp = Files.createTempDirectory("perennial-step-bench");
        for (int r = 0; r < rounds; r++) {
            Map<String, Object> round = new LinkedHashMap<>();
            round.put("round", r + 1);
            round.put("loadBefore", loadAverage());
            double[] djlGemm = GemmThroughput.measure(gemmN, 5);
            round.put("djlGemmGflops", djlGemm);
            if (!skipPython) {
                JsonNode g = runPython(python, script, tmp.resolve("gemm.json"), List.of("--gemm",
                        String.valueOf(gemmN), "--gemm-repeats", "5"));
                round.put("torchGemmGflops", JSON.convertValue(g.get("gemm_gflops"), double[].class));
                round.put("torchBlas", g.get("blas"));
            }
            System.out.printf(Locale.ROOT, "round %d: GEMM %dx%d DJL %.1f GFLOP/s%s (load %s)%n", r + 1, gemmN, gemmN,
                    GemmThroughput.best(djlGemm), round.containsKey("torchGemmGflops") ? String.format(Locale.ROOT,
                            ", PyTorch %.1f GFLOP/s", GemmThroughput.best((double[]) round.get("torchGemmGflops")))
                            : "", round.get("loadBefore"));
            List<StepTimes> results = new ArrayList<>();
            for (PlanEntry e : plan) {
                if (poolFor != e.workload()) {
                    pool = new HostTensors(e.workload(), POOL, POOL_SEED);
                    poolFor = e.workload();
                }
                // (a) and (b) alternate step by step in one run; (c) goes before them in odd rounds, after in even.
                List<String> order = r % 2 == 0 ? List.of("ab", "c") : List.of("c", "ab");
                for (String side : order) {
                    List<StepTimes> ts = new ArrayList<>();
                    if (side.equals("ab")) {
                        if (paired) {
                            try (BareDjlSteps bare = new BareDjlSteps(e.workload(), e.batch(), pool, lr, momentum)) {
                                ts.addAll(SharedLoopSteps.run(e.workload(), e.batch(), e.warmup(), e.steps(), POOL,
                                        POOL_SEED, lr, momentum, Optional.of(bare), mixup));
                            }
                        } else {
                            ts.add(BareDjlSteps.run(e.workload(), e.batch(), e.warmup(), e.steps(), pool, lr,
                                    momentum));
                            ts.addAll(SharedLoopSteps.run(e.workload(), e.batch(), e.warmup(), e.steps(), POOL,
                                    POOL_SEED, lr, momentum, Optional.empty(), mixup));
                        }
                    } else if (!skipPython) {
                        JsonNode c = runPython(python, script, tmp.resolve("c.json"), List.of(
                                "--workload", e.workload().id(), "--batch", String.valueOf(e.batch()),
                                "--warmup", String.valueOf(e.warmup()), "--steps", String.valueOf(e.steps()),
                                "--lr", String.valueOf(lr), "--momentum", String.valueOf(momentum),
                                "--pool", String.valueOf(POOL)));
                        ts.add(new StepTimes("pytorch-eager", e.workload().id(), e.batch(),
                                JSON.convertValue(c.get("step_seconds"), double[].class)));
                    }
                    for (StepTimes t : ts) {
                        results.add(t);
                        System.out.printf(Locale.ROOT, "  %-22s %-14s batch %3d  %8.3f steps/s  (%s)%n",
                                t.workload(), t.side(), t.batch(), t.stepsPerSecond(), stepList(t.stepSeconds()));
                    }
                }
            }
            round.put("results", results);
            round.put("loadAfter", loadAverage());
            roundRecords.add(round);
        }
        Map<String, Object> summary = summarize(plan, roundRecords);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", ZonedDateTime.now().toString());
        out.put("djl", Engine.getDjlVersion());
        out.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        out.put("djlThreads", threads);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("gemmN", gemmN);
        out.put("learningRate", lr);
        out.put("momentum", momentum);
        out.put("pairedSteps", paired);
        out.put("loopMixup", mixup);
        out.put("plan", plan.stream().map(p -> Map.of("workload", p.workload().id(), "batch", p.batch(),
                "warmup", p.warmup(), "steps", p.steps(),
                "trainingGflopPerSample", p.workload().trainingFlopsPerSample() / 1e9)).toList());
        out.put("rounds", roundRecords);
        out.put("summary", summary);
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }
        JSON.writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> summarize(List<PlanEntry> plan, List<Map<String, Object>> rounds) {
        double djlGemm = GemmThroughput.median(rounds.stream()
                .mapToDouble(r -> GemmThroughput.best((double[]) r.get("djlGemmGflops"))).toArray());
        boolean haveTorch = rounds.get(0).containsKey("torchGemmGflops");
        double torchGemm = haveTorch ? GemmThroughput.median(rounds.stream()
                .mapToDouble(r -> GemmThroughput.best((double[]) r.get("torchGemmGflops"))).toArray()) : Double.NaN;
        System.out.println();
        System.out.printf(Locale.ROOT, "GEMM peak (best of 5 products, median over rounds): DJL libtorch %.1f GFLOP/s,"
                + " PyTorch %.1f GFLOP/s%n",
                djlGemm, torchGemm);
        System.out.println("| model | batch | GFLOP/step | (a) bare DJL steps/s | (b) shared loop steps/s | (c) PyTorch"
                + " steps/s | (b)/(a) per round | (b)/(a) median | (b)/(a) median of step pairs | (b)/(c) median |"
                + " (a) % of DJL GEMM | (b) % of DJL GEMM | (c) % of torch GEMM |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("djlGemmGflops", djlGemm);
        summary.put("torchGemmGflops", torchGemm);
        for (PlanEntry p : plan) {
            String id = p.workload().id();
            double[] a = rateOf(rounds, id, "bare-djl");
            double[] b = rateOf(rounds, id, "shared-loop");
            double[] c = haveTorch ? rateOf(rounds, id, "pytorch-eager") : new double[0];
            double[] ba = new double[a.length];
            double[] bc = new double[c.length];
            for (int i = 0; i < a.length; i++) {
                ba[i] = b[i] / a[i];
                if (c.length > 0) {
                    bc[i] = b[i] / c[i];
                }
            }
            // Robust to a single disturbed step: the median over every (bare, loop) step pair of every round.
            double pairMedian = GemmThroughput.median(pairRatios(rounds, id));
            double gflopPerStep = p.workload().trainingFlopsPerSample() * (double) p.batch() / 1e9;
            double ma = GemmThroughput.median(a);
            double mb = GemmThroughput.median(b);
            double mc = c.length > 0 ? GemmThroughput.median(c) : Double.NaN;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("batch", p.batch());
            s.put("trainingGflopPerStep", gflopPerStep);
            s.put("bareDjlStepsPerSecond", a);
            s.put("sharedLoopStepsPerSecond", b);
            s.put("pytorchStepsPerSecond", c);
            s.put("loopOverBarePerRound", ba);
            s.put("loopOverBareMedian", GemmThroughput.median(ba));
            s.put("loopOverBareMedianOfStepPairs", pairMedian);
            s.put("loopOverPytorchMedian", c.length > 0 ? GemmThroughput.median(bc) : Double.NaN);
            s.put("bareDjlShareOfDjlGemm", gflopPerStep * ma / djlGemm);
            s.put("sharedLoopShareOfDjlGemm", gflopPerStep * mb / djlGemm);
            s.put("pytorchShareOfTorchGemm", gflopPerStep * mc / torchGemm);
            summary.put(id, s);
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.3f | %.3f | %.3f | %s | %.3f | %.3f | %.3f | %.1f %% |"
                            + " %.1f %% | %.1f %% |%n", id, p.batch(), gflopPerStep, ma, mb, mc, stepList(ba),
                    GemmThroughput.median(ba), pairMedian, c.length > 0 ? GemmThroughput.median(bc) : Double.NaN,
                    100 * gflopPerStep * ma / djlGemm, 100 * gflopPerStep * mb / djlGemm,
                    100 * gflopPerStep * mc / torchGemm);
        }
        return summary;
    }

    @SuppressWarnings("unchecked")
    private static double[] rateOf(List<Map<String, Object>> rounds, String workload, String side) {
        return rounds.stream().mapToDouble(r -> ((List<StepTimes>) r.get("results")).stream()
                .filter(t -> t.workload().equals(workload) && t.side().equals(side)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + side + " result for " + workload))
                .stepsPerSecond()).toArray();
    }

    /** Bare seconds over loop seconds of each step pair (the loop's steps/s over the bare side's), all rounds. */
    @SuppressWarnings("unchecked")
    private static double[] pairRatios(List<Map<String, Object>> rounds, String workload) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> r : rounds) {
            double[] a = null;
            double[] b = null;
            for (StepTimes t : (List<StepTimes>) r.get("results")) {
                if (t.workload().equals(workload) && t.side().equals("bare-djl")) {
                    a = t.stepSeconds();
                } else if (t.workload().equals(workload) && t.side().equals("shared-loop")) {
                    b = t.stepSeconds();
                }
            }
            for (int i = 0; a != null && b != null && i < Math.min(a.length, b.length); i++) {
                out.add(a[i] / b[i]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static JsonNode runPython(String python, Path script, Path json, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--threads", "1", "--json",
                json.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Files.deleteIfExists(json);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the PyTorch side failed: " + String.join(" ", cmd)
                    + (p.isAlive() ? " (timed out)" : " exited " + p.exitValue()));
        }
        return JSON.readTree(json.toFile());
    }

    private static String stepList(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.3f", v));
        }
        return b.toString();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

}
