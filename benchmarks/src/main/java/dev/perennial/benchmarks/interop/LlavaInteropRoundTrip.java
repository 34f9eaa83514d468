package dev.perennial.benchmarks.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.perennial.benchmarks.vqa.MeanStd;
import dev.perennial.llava.CheckpointLayout;
import dev.perennial.llava.FeatureSelect;
import dev.perennial.llava.LlavaBatch;
import dev.perennial.llava.LlavaCheckpoint;
import dev.perennial.llava.LlavaConfig;
import dev.perennial.llava.LlavaExport;
import dev.perennial.llava.LlavaLoraSetup;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.LoadOptions;
import dev.perennial.llava.LoadedLlava;
import dev.perennial.llava.PaddingSide;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.pet.LoraConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Issue 19: how exactly the interoperability paths reproduce a LoRA-tuned LLaVA, per seed (paired: each seed's model,
 * adapter, images and prompts are shared by every path), and what LLaVA-1.5-7B needs in memory, computed from the
 * shapes (not measured).
 *
 * <p>Paths: (1) {@code hf} export with LoRA merged, reloaded by {@link LlavaCheckpoint#load}; (2) {@code peft}
 * export loaded onto the base with {@link LlavaExport#loadPeft}; (3) the expanded image-token form (a run of
 * {@code image_seq_length} ids per image) against the single-token form. For each: max |Δlogit| over a batch of 4
 * prompts with images, relative to the logits' standard deviation.
 *
 * <p>Usage: {@code bin/benchmark interop.LlavaInteropRoundTrip [seeds=5] [json=benchmarks/results/llava-interop.json]}
 */
public final class LlavaInteropRoundTrip {
    private LlavaInteropRoundTrip() {}

    /**
     * Runs the benchmark.
     *
     * @param args seeds, JSON output path
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path json = Path.of(args.length > 1 ? args[1] : "benchmarks/results/llava-interop.json");
        int[] ranks = {8, 64};
        String[] paths = {"hf (LoRA merged)", "peft onto base", "expanded image tokens"};
        double[][][] diffs = new double[ranks.length][paths.length][seeds];
        double[][][] relative = new double[ranks.length][paths.length][seeds];
        Path tmp = Files.createTempDirectory("llava-interop");
        try {
            for (int r = 0; r < ranks.length; r++) {
                for (int s = 0; s < seeds; s++) {
                    double[][] d = run(ranks[r], 1000 + s, tmp.resolve("r" + ranks[r] + "s" + s));
                    for (int p = 0; p < paths.length; p++) {
                        diffs[r][p][s] = d[p][0];
                        relative[r][p][s] = d[p][1];
                    }
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(tmp)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        JsonObject out = new JsonObject();
        out.addProperty("model", "LLaVA: decoder 256 wide, 4 layers, 8 heads, vocab 512; CLIP 64 px, patch 8, "
                + "128 wide, 4 layers; float32, CPU");
        out.addProperty("seeds", seeds);
        JsonArray rows = new JsonArray();
        System.out.printf(Locale.ROOT, "%-6s %-24s %-26s %-26s%n", "rank", "path", "max |dlogit| mean ± std",
                "relative to logit std");
        for (int r = 0; r < ranks.length; r++) {
            for (int p = 0; p < paths.length; p++) {
                MeanStd abs = MeanStd.of(diffs[r][p]);
                MeanStd rel = MeanStd.of(relative[r][p]);
                System.out.printf(Locale.ROOT, "%-6d %-24s %.3e ± %.1e          %.3e ± %.1e%n", ranks[r], paths[p],
                        abs.mean(), abs.std(), rel.mean(), rel.std());
                JsonObject row = new JsonObject();
                row.addProperty("rank", ranks[r]);
                row.addProperty("path", paths[p]);
                row.addProperty("maxAbsLogitDiffMean", abs.mean());
                row.addProperty("maxAbsLogitDiffStd", abs.std());
                row.addProperty("relativeMean", rel.mean());
                row.addProperty("relativeStd", rel.std());
                JsonArray perSeed = new JsonArray();
                for (double v : diffs[r][p]) {
                    perSeed.add(v);
                }
                row.add("perSeed", perSeed);
                rows.add(row);
            }
        }
        out.add("roundTrips", rows);
        out.add("llava15x7bMemoryFromShapes", memoryTable());
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(out), StandardCharsets.UTF_8);
        System.out.println("wrote " + json);
    }

    /** One seed: {max |Δ|, max |Δ| / std(logits)} per path. */
    private static double[][] run(int rank, long seed, Path dir) throws IOException {
        LlavaConfig config = new LlavaConfig(LlamaConfig.of(512, 256, 512, 4, 8, 8, 1e-6f, 10000.0),
                new ClipVisionConfig(64, 8, 3, 128, 256, 4, 4, 1e-5f, ActivationFunction.QUICK_GELU), 3, -2,
                FeatureSelect.DEFAULT, ActivationFunction.GELU, true, 1, 2, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed((int) seed);
            LlavaModel model = new LlavaModel(config);
            model.initialize(manager.newSubManager(), DataType.FLOAT32);
            Path base = dir.resolve("base");
            LlavaCheckpoint.write(model, CheckpointLayout.LLAVA_HF, base, Long.MAX_VALUE);
            LlavaLoraSetup setup = LlavaLoraSetup.apply(model, new LoraConfig(rank, 2f * rank, 0f,
                    List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
                    Optional.empty(), false), true);
            // A trained-looking adapter: B ~ N(0, 0.02) instead of its zero initialisation.
            setup.loraParameters().forEach((name, p) -> {
                if (name.contains("lora_B")) {
                    NDArray a = p.getArray();
                    a.getManager().randomNormal(0f, 0.02f, a.getShape(), a.getDataType()).copyTo(a);
                }
            });
            Random random = new Random(seed);
            List<long[]> ids = new ArrayList<>();
            List<long[]> expanded = new ArrayList<>();
            int t = config.imageFeatureTokens();
            for (int i = 0; i < 4; i++) {
                int length = 8 + random.nextInt(12);
                long[] single = new long[length];
                single[0] = 1;
                for (int k = 1; k < length; k++) {
                    single[k] = 4 + random.nextInt(500);
                }
                single[1 + random.nextInt(length - 1)] = 3;
                ids.add(single);
                long[] e = new long[length - 1 + t];
                int j = 0;
                for (long id : single) {
                    for (int k = 0; k < (id == 3 ? t : 1); k++) {
                        e[j++] = id;
                    }
                }
                expanded.add(e);
            }
            NDArray pixels = manager.randomNormal(0f, 1f, new ai.djl.ndarray.types.Shape(4, 3, 64, 64),
                    DataType.FLOAT32);
            LlavaBatch batch = new LlavaBatch(ids, Optional.empty(), Optional.of(pixels));
            float[] tuned = logits(model, manager, batch);
            double[][] out = new double[3][];

            Path hf = dir.resolve("hf");
            LlavaExport.writeHf(model, Optional.of(setup.lora()), Optional.empty(), hf, 4L << 20);
            try (LoadedLlavaWithoutTokenizer merged = new LoadedLlavaWithoutTokenizer(hf, config, manager)) {
                out[0] = compare(tuned, logits(merged.model, manager, batch));
            }
            Path peft = dir.resolve("peft");
            LlavaExport.writePeft(model, setup.lora(), base.toString(), true, peft);
            try (LoadedLlavaWithoutTokenizer reloaded = new LoadedLlavaWithoutTokenizer(base, config, manager)) {
                LlavaExport.loadPeft(reloaded.model, peft, true);
                out[1] = compare(tuned, logits(reloaded.model, manager, batch));
            }
            out[2] = compare(tuned, logits(model, manager, new LlavaBatch(expanded, Optional.empty(),
                    Optional.of(pixels))));
            return out;
        }
    }

    /** A checkpoint directory read by the strict loader's weight path (these directories have no tokenizer). */
    private static final class LoadedLlavaWithoutTokenizer implements AutoCloseable {
        private final LlavaModel model;

        LoadedLlavaWithoutTokenizer(Path dir, LlavaConfig config, NDManager manager) throws IOException {
            dev.perennial.llava.text.WordLevelTokenizerFile.write(dir.resolve(LlavaCheckpoint.TOKENIZER_FILE),
                    vocabulary());
            LoadedLlava loaded = LlavaCheckpoint.load(dir, LoadOptions.strict(manager));
            loaded.tokenizer().close();
            this.model = loaded.model();
        }

        @Override
        public void close() {
            // The model's arrays belong to the caller's manager.
        }
    }

    /** 508 words after the 4 special tokens, so that the word-level vocabulary has the model's 512 entries. */
    private static List<String> vocabulary() {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 508; i++) {
            words.add("w" + i);
        }
        return words;
    }

    private static float[] logits(LlavaModel model, NDManager manager, LlavaBatch batch) {
        try (NDManager step = manager.newSubManager()) {
            return model.logits(new ParameterStore(step, false), step, batch, PaddingSide.RIGHT, false).get(0)
                    .toFloatArray();
        }
    }

    private static double[] compare(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalStateException("logit counts differ: " + expected.length + " vs " + actual.length);
        }
        double max = 0;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
            sum += expected[i];
            squares += (double) expected[i] * expected[i];
        }
        double mean = sum / expected.length;
        double std = Math.sqrt(Math.max(0, squares / expected.length - mean * mean));
        return new double[] {max, max / std};
    }

    /** Bytes LLaVA-1.5-7B's parts take, from the parameter shapes (computed, not measured). */
    private static JsonObject memoryTable() {
        LlavaModel shape = new LlavaModel(LlavaConfig.llava15x7b());
        long all = shape.parameterCount();
        LlamaConfig t = LlavaConfig.llava15x7b().text();
        long d = t.hiddenSize();
        long f = t.intermediateSize();
        int r = 128;
        long lora = (long) t.numHiddenLayers() * r * (4 * (d + d) + 2 * (d + f) + (f + d));
        long projector = 1024L * 4096 + 4096 + 4096L * 4096 + 4096;
        long trainable = lora + projector;
        JsonObject o = new JsonObject();
        o.addProperty("parameters", all);
        o.addProperty("loraR128AllDecoderLinears", lora);
        o.addProperty("projector", projector);
        o.addProperty("weightsBf16Bytes", all * 2);
        o.addProperty("weightsFp32Bytes", all * 4);
        // fp32 value + gradient + AdamW's two moments; LLaCA adds the EMA copy and the previous gradient.
        o.addProperty("trainableAdamWFp32Bytes", trainable * 16);
        o.addProperty("trainableLlacaFp32Bytes", trainable * 24);
        System.out.printf(Locale.ROOT, "%nLLaVA-1.5-7B from shapes (computed, not measured): %d parameters; weights "
                        + "%.2f GiB in bf16/fp16, %.2f GiB in fp32; LoRA r 128 on the 7 decoder linears %d + projector "
                        + "%d trainable: %.2f GiB with AdamW in fp32 (value, gradient, 2 moments), %.2f GiB with "
                        + "LLaCA's EMA and previous gradient; activations not included%n", all, gib(all * 2),
                gib(all * 4), lora, projector, gib(trainable * 16), gib(trainable * 24));
        return o;
    }

    private static double gib(long bytes) {
        return bytes / (1024.0 * 1024 * 1024);
    }
}
