package dev.perennial.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.llama.LlamaDecoderLayer;
import dev.perennial.models.nn.CausalMask;
import dev.perennial.models.nn.RotaryEmbedding;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Forward+backward training steps per second of ViT-S/16 (224 px and 32 px) and of one LLaMA decoder block, built
 * from {@code dev.perennial.models}, next to the same architectures in PyTorch
 * ({@code benchmarks/python/transformer_benchmark.py}, whose JSON this program reads to print the ratio).
 *
 * <p>Set the engine's intra-op threads with {@code -Dai.djl.pytorch.num_threads=N} (the Python side: {@code --threads N}).
 * One step: forward, loss = mean(output²), backward (the one {@link GradientCollector}), all inside a per-step
 * sub-manager; no optimizer update, as on the Python side. fp32. Timings are wall-clock per step after warm-up.
 *
 * <pre>
 * java -cp ... dev.perennial.benchmarks.TransformerTrainingThroughput \
 *     [--steps 5] [--warmup 2] [--batch224 8] [--batch32 32] [--only name] [--json out.json] [--torch-json torch.json]
 * </pre>
 */
public final class TransformerTrainingThroughput {
    /** The {@code --name} arguments this program accepts. */
    private static final Set<String> ARGUMENTS = Set.of(
            "batch224", "batch32", "json", "only", "steps", "torch-json", "warmup");

    /**
     * One measured configuration.
     *
     * @param name case name (shared with the Python side)
     * @param framework what ran it
     * @param batch batch size
     * @param steps measured steps
     * @param parameters parameter count
     * @param stepsPerSecond measured steps / total seconds
     * @param msPerStep mean milliseconds per step
     */
    public record Result(
            String name, String framework, int batch, int steps, long parameters, double stepsPerSecond,
            double msPerStep) {}

    /** A model, its input and how the loss reads its output. */
    private record Workload(Block block, NDArray input, Function<NDArray, NDArray> forward) {}

    private TransformerTrainingThroughput() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class documentation
     * @throws IOException if a JSON file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> opts = BenchmarkArgs.parse(args, ARGUMENTS);
        int steps = Integer.parseInt(opts.getOrDefault("steps", "5"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "2"));
        int batch224 = Integer.parseInt(opts.getOrDefault("batch224", "8"));
        int batch32 = Integer.parseInt(opts.getOrDefault("batch32", "32"));
        String only = opts.getOrDefault("only", "");
        String framework = "djl " + Engine.getDjlVersion() + " + " + Engine.getInstance().getEngineName() + " "
                + Engine.getInstance().getVersion();
        List<Result> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Integer> batches = new LinkedHashMap<>();
            batches.put("vit_small_patch16_224", batch224);
            batches.put("vit_small_patch16_32px", batch32);
            batches.put("llama_block_d256_h4_s64", 8);
            for (Map.Entry<String, Integer> c : batches.entrySet()) {
                if (!only.isEmpty() && !c.getKey().contains(only)) {
                    continue;
                }
                try (NDManager caseManager = manager.newSubManager()) {
                    Workload w = workload(c.getKey(), c.getValue(), caseManager);
                    results.add(measure(c.getKey(), framework, c.getValue(), w, caseManager, steps, warmup));
                    Result r = results.get(results.size() - 1);
                    System.out.printf(Locale.ROOT, "%-28s batch %3d  %8.3f steps/s  %9.1f ms/step%n",
                            r.name(), r.batch(), r.stepsPerSecond(), r.msPerStep());
                }
            }
        }
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        if (opts.containsKey("json")) {
            Path out = Path.of(opts.get("json"));
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            JsonObject root = new JsonObject();
            root.addProperty("threads", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
            root.addProperty("cores", Runtime.getRuntime().availableProcessors());
            root.add("results", gson.toJsonTree(results));
            Files.writeString(out, gson.toJson(root), StandardCharsets.UTF_8);
        }
        if (opts.containsKey("torch-json")) {
            printRatios(results, JsonObjectReader.read(Path.of(opts.get("torch-json"))));
        }
    }

    private static Workload workload(String name, int batch, NDManager manager) {
        manager.getEngine().setRandomSeed(0);
        switch (name) {
            case "vit_small_patch16_224":
            case "vit_small_patch16_32px": {
                int size = name.endsWith("224") ? 224 : 32;
                VisionTransformer vit = new VisionTransformer(VitConfig.small(size, 16, 1000));
                vit.initialize(manager, DataType.FLOAT32);
                NDArray images = manager.randomNormal(new Shape(batch, 3, size, size));
                ParameterStore store = new ParameterStore(manager, false);
                return new Workload(vit, images,
                        x -> vit.forward(store, new NDList(x), true).singletonOrThrow());
            }
            case "llama_block_d256_h4_s64": {
                // djl-notes J4: d 256, 4 heads, SwiGLU 1024, sequence 64, batch 8 (1,049,088 parameters).
                LlamaConfig config = LlamaConfig.of(32, 256, 1024, 1, 4, 4, 1e-6f, 10000.0);
                LlamaDecoderLayer layer = new LlamaDecoderLayer(config);
                layer.initialize(manager, DataType.FLOAT32);
                RotaryEmbedding rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
                NDArray x = manager.randomNormal(new Shape(batch, 64, 256));
                ParameterStore store = new ParameterStore(manager, false);
                return new Workload(layer, x, input -> {
                    NDManager m = input.getManager();
                    NDArray mask = CausalMask.causal(m, 64, 0).reshape(1, 1, 64, 64);
                    return layer.forward(store, input, rope, rope.cosSin(m, 0, 64), mask, Optional.empty(), 0, true);
                });
            }
            default:
                throw new IllegalArgumentException("unknown case " + name);
        }
    }

    private static Result measure(
            String name, String framework, int batch, Workload w, NDManager manager, int steps, int warmup) {
        long params = ParameterNames.of(w.block()).values().stream().map(Parameter::getShape)
                .mapToLong(Shape::size).sum();
        long total = 0;
        for (int i = 0; i < warmup + steps; i++) {
            long start = System.nanoTime();
            try (NDManager step = manager.newSubManager()) {
                NDArray input = w.input().duplicate();
                input.attach(step);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = w.forward().apply(input).square().mean();
                    collector.backward(loss);
                    loss.getFloat();
                }
            }
            if (i >= warmup) {
                total += System.nanoTime() - start;
            }
        }
        double seconds = total / 1e9;
        return new Result(name, framework, batch, steps, params, steps / seconds, 1000 * seconds / steps);
    }

    private static void printRatios(List<Result> ours, JsonObject torch) {
        Map<String, JsonObject> byName = new LinkedHashMap<>();
        for (JsonElement e : torch.getAsJsonArray("results")) {
            byName.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
        }
        System.out.println();
        System.out.println("| case | batch | DJL steps/s | PyTorch steps/s | DJL / PyTorch |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Result r : ours) {
            JsonObject t = byName.get(r.name());
            if (t == null) {
                continue;
            }
            double ts = t.get("steps_per_second").getAsDouble();
            if (t.get("batch").getAsInt() != r.batch()) {
                System.out.println("(batch differs for " + r.name() + "; ratio not comparable)");
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.2f |%n",
                    r.name(), r.batch(), r.stepsPerSecond(), ts, r.stepsPerSecond() / ts);
        }
    }

    /** Reads the Python side's JSON. */
    private static final class JsonObjectReader {
        static JsonObject read(Path path) throws IOException {
            JsonObject o = new Gson().fromJson(Files.readString(path, StandardCharsets.UTF_8), JsonObject.class);
            JsonArray results = o == null ? null : o.getAsJsonArray("results");
            if (results == null) {
                throw new IOException(path + ": expected {\"results\": [...]} from transformer_benchmark.py");
            }
            return o;
        }
    }
}
