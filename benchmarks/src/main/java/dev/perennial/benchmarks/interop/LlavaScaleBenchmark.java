package dev.perennial.benchmarks.interop;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.perennial.benchmarks.vqa.MeanStd;
import dev.perennial.llava.CheckpointLayout;
import dev.perennial.llava.InsufficientMemoryException;
import dev.perennial.llava.LlavaCheckpoint;
import dev.perennial.llava.LlavaConfig;
import dev.perennial.llava.LlavaConfigFile;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.LoadOptions;
import dev.perennial.models.io.MemoryBudget;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Issue 19, item 5: load time, prefill and decode tokens/s and peak memory of LLaVA from a toy to LLaVA-1.5-7B's
 * widths with 2 layers per tower ({@link LlavaScale}), on the CPU in float32.
 *
 * <p>For each configuration and on-disk type (F32, or BF16 widened to float32 while loading) it writes random weights
 * as a llava-hf directory (config, sharded safetensors with the index, tokenizer) into a temporary folder, deleted
 * afterwards, and runs {@link LlavaScaleProbe} in a child JVM per repeat, so that each peak resident set
 * ({@code VmHWM}) is one configuration's. The prompt is the Vicuna v1 template with one 400×300 image and a question
 * (batch 1, greedy, KV cache). Children get this JVM's options and environment. Before anything is written it checks
 * that the machine has the memory, and that loading the full LLaVA-1.5-7B on this CPU is refused up front.
 *
 * <p>Usage: {@code bin/benchmark interop.LlavaScaleBenchmark [repeats=3] [configs=tiny,small,7b-2layers]
 * [dtypes=f32,bf16] [decodeSteps=16] [json=benchmarks/results/llava-scale.json]}
 */
public final class LlavaScaleBenchmark {
    private static final long MIB = 1024L * 1024;
    /** What a child needs besides its peak of about 2.2 × the float32 weights: the JVM and libtorch. */
    private static final long CHILD_OVERHEAD_BYTES = 1536 * MIB;

    private LlavaScaleBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args repeats, configurations, on-disk types, decode steps, JSON output path
     * @throws Exception if a file cannot be written or a child fails
     */
    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<LlavaScale> scales = Arrays.stream((args.length > 1 ? args[1] : "tiny,small,7b-2layers").split(","))
                .map(LlavaScale::of).toList();
        List<String> dtypes = Arrays.stream((args.length > 2 ? args[2] : "f32,bf16").split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
        for (String d : dtypes) {
            if (!d.equals("f32") && !d.equals("bf16")) {
                throw new IllegalArgumentException("llava scale: on-disk type '" + d + "'; accepted: f32, bf16");
            }
        }
        int decodeSteps = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        Path json = Path.of(args.length > 4 ? args[4] : "benchmarks/results/llava-scale.json");
        if (repeats < 1 || decodeSteps < 1) {
            throw new IllegalArgumentException("llava scale: repeats and decodeSteps must be at least 1");
        }

        JsonObject out = new JsonObject();
        out.add("machine", machine());
        out.addProperty("loadAverageBefore", loadAverage());
        out.addProperty("repeats", repeats);
        out.addProperty("decodeSteps", decodeSteps);
        out.addProperty("prompt", "Vicuna v1 template, one 400x300 image, batch 1; greedy with the KV cache");
        out.add("refusesFull7bOnCpu", refusesFull7b());

        List<Row> rows = new ArrayList<>();
        Path tmp = Files.createTempDirectory("llava-scale");
        try {
            for (LlavaScale scale : scales) {
                for (String dtype : dtypes) {
                    rows.add(measure(scale, dtype.equals("bf16"), repeats, decodeSteps, tmp));
                }
            }
        } finally {
            delete(tmp);
        }
        out.addProperty("loadAverageAfter", loadAverage());

        System.out.printf(Locale.ROOT, "%nLLaVA on the CPU in float32, %d child JVMs per row (mean ± std); prompt with one "
                + "image, batch 1, greedy, KV cache, %d decode steps; load average %s%n", repeats, decodeSteps,
                loadAverage());
        String header = String.format(Locale.ROOT, "%-11s %-5s %13s %6s %14s %18s %16s %16s %15s %13s", "config", "disk",
                "parameters", "prompt", "load s", "prefill tok/s", "decode tok/s", "peak RSS MiB",
                "peak anon MiB", "heap peak MiB");
        System.out.println(header);
        JsonArray results = new JsonArray();
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "%-11s %-5s %13d %6d %14s %18s %16s %16s %15s %13s%n", row.scale.label(),
                    row.bf16 ? "bf16" : "f32", row.parameters, row.promptTokens,
                    fmt(row.stat(r -> r.get("loadSeconds").getAsDouble()), 3),
                    fmt(row.stat(r -> r.get("promptTokens").getAsDouble() / r.get("prefillSeconds").getAsDouble()), 1),
                    fmt(row.stat(r -> decodeSteps / r.get("decodeSeconds").getAsDouble()), 2),
                    fmt(row.stat(r -> r.get("peakRssBytes").getAsDouble() / MIB), 0),
                    fmt(row.stat(r -> r.get("peakRssAnonBytes").getAsDouble() / MIB), 0),
                    fmt(row.stat(r -> r.get("heapPeakBytes").getAsDouble() / MIB), 0));
            results.add(row.toJson(decodeSteps));
        }
        out.add("results", results);
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(out), StandardCharsets.UTF_8);
        System.out.println("wrote " + json);
    }

    /** One configuration and on-disk type: its checkpoint and each child's result. */
    private record Row(LlavaScale scale, boolean bf16, long parameters, int shards, long tensorBytes,
            double writeSeconds, int promptTokens, List<JsonObject> runs) {
        MeanStd stat(ToDoubleFunction<JsonObject> f) {
            return MeanStd.of(runs.stream().mapToDouble(f).toArray());
        }

        JsonObject toJson(int decodeSteps) {
            JsonObject o = new JsonObject();
            o.addProperty("config", scale.label());
            o.addProperty("onDisk", bf16 ? "bf16" : "f32");
            o.addProperty("loadedAs", "float32");
            o.addProperty("shape", describe(scale.config()));
            o.addProperty("parameters", parameters);
            o.addProperty("shards", shards);
            o.addProperty("tensorBytes", tensorBytes);
            o.addProperty("writeSeconds", writeSeconds);
            o.addProperty("promptTokens", promptTokens);
            put(o, "loadSeconds", stat(r -> r.get("loadSeconds").getAsDouble()));
            put(o, "prefillTokensPerSecond",
                    stat(r -> r.get("promptTokens").getAsDouble() / r.get("prefillSeconds").getAsDouble()));
            put(o, "decodeTokensPerSecond", stat(r -> decodeSteps / r.get("decodeSeconds").getAsDouble()));
            put(o, "peakRssMiB", stat(r -> r.get("peakRssBytes").getAsDouble() / MIB));
            put(o, "peakRssAfterLoadMiB", stat(r -> r.get("peakRssAfterLoadBytes").getAsDouble() / MIB));
            put(o, "rssAfterLoadMiB", stat(r -> r.get("rssAfterLoadBytes").getAsDouble() / MIB));
            put(o, "peakRssAnonMiB", stat(r -> r.get("peakRssAnonBytes").getAsDouble() / MIB));
            put(o, "peakRssFileMiB", stat(r -> r.get("peakRssFileBytes").getAsDouble() / MIB));
            put(o, "peakRssAnonAfterLoadMiB", stat(r -> r.get("peakRssAnonAfterLoadBytes").getAsDouble() / MIB));
            put(o, "heapPeakMiB", stat(r -> r.get("heapPeakBytes").getAsDouble() / MIB));
            JsonArray each = new JsonArray();
            runs.forEach(each::add);
            o.add("runs", each);
            return o;
        }
    }

    private static void put(JsonObject o, String name, MeanStd s) {
        o.addProperty(name + "Mean", s.mean());
        o.addProperty(name + "Std", s.std());
    }

    private static String fmt(MeanStd s, int decimals) {
        String f = "%." + decimals + "f";
        return Double.isNaN(s.std()) ? String.format(Locale.ROOT, f, s.mean())
                : String.format(Locale.ROOT, f + " ± " + f, s.mean(), s.std());
    }

    private static Row measure(LlavaScale scale, boolean bf16, int repeats, int decodeSteps, Path tmp)
            throws IOException, InterruptedException {
        long parameters = new LlavaModel(scale.config()).parameterCount();
        // Measured: loading keeps mapped and widened buffers until a collection, and the prefill keeps every
        // layer's intermediates, so a child peaks at about 2.2 × its float32 weights (BENCHMARKS.md).
        long needed = parameters * 4 * 23 / 10 + CHILD_OVERHEAD_BYTES;
        OptionalLong available = MemoryBudget.availablePhysicalMemory();
        if (available.isPresent() && available.getAsLong() < needed + CHILD_OVERHEAD_BYTES) {
            throw new IllegalStateException(String.format(Locale.ROOT, "llava scale: %s needs about %d MiB in a child "
                    + "JVM (2.3 × %d parameters in float32 + %d MiB) and this one, but only %d MiB are available; free "
                    + "memory or leave the configuration out", scale.label(), needed / MIB, parameters,
                    CHILD_OVERHEAD_BYTES / MIB, available.getAsLong() / MIB));
        }
        String label = scale.label() + "-" + (bf16 ? "bf16" : "f32");
        Path dir = tmp.resolve(label);
        System.out.printf(Locale.ROOT, "%s: writing %d random parameters as %s ...%n", label, parameters,
                bf16 ? "BF16" : "F32");
        long start = System.nanoTime();
        RandomLlavaCheckpoint.Written written = RandomLlavaCheckpoint.write(scale.config(), bf16, dir, 3, 19);
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        List<JsonObject> runs = new ArrayList<>();
        try {
            for (int r = 0; r < repeats; r++) {
                JsonObject result = child(dir, decodeSteps, r == 0, tmp, label + "-" + r);
                System.out.printf(Locale.ROOT, "%s run %d: load %.3f s, %d prompt tokens in %.3f s, %d decode steps in "
                        + "%.3f s, peak RSS %d MiB (anonymous %d MiB)%n", label, r,
                        result.get("loadSeconds").getAsDouble(), result.get("promptTokens").getAsInt(),
                        result.get("prefillSeconds").getAsDouble(), decodeSteps,
                        result.get("decodeSeconds").getAsDouble(), result.get("peakRssBytes").getAsLong() / MIB,
                        result.get("peakRssAnonBytes").getAsLong() / MIB);
                runs.add(result);
            }
        } finally {
            delete(dir);
        }
        return new Row(scale, bf16, written.parameters(), written.shards(), written.tensorBytes(), writeSeconds,
                runs.get(0).get("promptTokens").getAsInt(), runs);
    }

    /** Runs one {@link LlavaScaleProbe} in a JVM started like this one. */
    private static JsonObject child(Path dir, int decodeSteps, boolean verify, Path tmp, String label)
            throws IOException, InterruptedException {
        Path result = tmp.resolve(label + ".json");
        Path log = tmp.resolve(label + ".log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LlavaScaleProbe.class.getName());
        command.add(dir.toString());
        command.add(Integer.toString(decodeSteps));
        command.add(Boolean.toString(verify));
        command.add(result.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("llava scale: " + label + " ran past 30 minutes; log " + log);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(result)) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            throw new IllegalStateException("llava scale: " + label + " exited with " + p.exitValue() + ": "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        return JsonParser.parseString(Files.readString(result, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    /**
     * Loads a directory holding only the config.json of llava-hf/llava-1.5-7b-hf (no weights, no tokenizer) on the
     * CPU with the default budget: it must be refused before anything is read or allocated.
     */
    private static JsonObject refusesFull7b() throws IOException {
        JsonObject o = new JsonObject();
        LlavaConfig config = LlavaConfig.llava15x7b();
        long required = new LlavaModel(config).parameterCount() * 4;
        OptionalLong available = MemoryBudget.availablePhysicalMemory();
        o.addProperty("requiredBytes", required);
        o.addProperty("availableBytes", available.orElse(-1));
        if (available.isEmpty() || available.getAsLong() >= required) {
            o.addProperty("checked", false);
            System.out.println("full LLaVA-1.5-7B on the CPU: not checked, this machine has the memory");
            return o;
        }
        Path dir = Files.createTempDirectory("llava-7b-config");
        try (NDManager manager = NDManager.newBaseManager()) {
            LlavaConfigFile.write(config, CheckpointLayout.LLAVA_HF, dir.resolve(LlavaCheckpoint.CONFIG_FILE));
            long start = System.nanoTime();
            try {
                LlavaCheckpoint.load(dir, LoadOptions.strict(manager)).close();
                throw new IllegalStateException("llava scale: loading the full LLaVA-1.5-7B config was not refused");
            } catch (InsufficientMemoryException e) {
                double ms = (System.nanoTime() - start) / 1e6;
                o.addProperty("checked", true);
                o.addProperty("refusedAfterMs", ms);
                o.addProperty("arraysAllocated", manager.getManagedArrays().size());
                o.addProperty("message", e.getMessage());
                System.out.printf(Locale.ROOT, "full LLaVA-1.5-7B on the CPU: refused after %.1f ms, %d arrays "
                        + "allocated: %s%n", ms, manager.getManagedArrays().size(), e.getMessage());
            }
        } finally {
            delete(dir);
        }
        return o;
    }

    private static String describe(LlavaConfig c) {
        return String.format(Locale.ROOT, "decoder %d wide, MLP %d, %d layers, %d heads, vocabulary %d; CLIP %d px, "
                        + "patch %d, %d wide, MLP %d, %d layers; %d image tokens", c.text().hiddenSize(),
                c.text().intermediateSize(), c.text().numHiddenLayers(), c.text().numAttentionHeads(),
                c.text().vocabSize(), c.vision().imageSize(), c.vision().patchSize(), c.vision().hiddenSize(),
                c.vision().intermediateSize(), c.vision().numHiddenLayers(), c.imageFeatureTokens());
    }

    private static JsonObject machine() throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("cpus", Runtime.getRuntime().availableProcessors());
        o.addProperty("java", System.getProperty("java.version"));
        o.addProperty("jvmOptions", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        o.addProperty("onednnMaxCpuIsa", System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", ""));
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:") || line.startsWith("MemAvailable:")) {
                String[] parts = line.split("\\s+");
                o.addProperty(parts[0].replace(":", "") + "MiB", Long.parseLong(parts[1]) / 1024);
            }
        }
        return o;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
