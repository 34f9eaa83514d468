package dev.perennial.benchmarks.interop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.perennial.llava.LlavaBatch;
import dev.perennial.llava.LlavaBatchEncoder;
import dev.perennial.llava.LlavaConfig;
import dev.perennial.llava.LlavaExample;
import dev.perennial.llava.LlavaLoraSetup;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.image.RgbImage;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.llava.text.WordLevelTokenizerFile;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.pet.LoraConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks {@link LlavaMemoryTable}'s activation estimate against what a LoRA training step really keeps, on the CPU
 * in float32: the growth of the process's anonymous resident memory from before the forward pass to its end (the
 * graph alive, before the backward pass), after a warm-up step, in a child JVM whose glibc returns freed memory at
 * once ({@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TRIM_THRESHOLD_} 128 KiB), so that resident memory follows
 * the live tensors. Memory only: nothing here is timed.
 *
 * <p>The models are LLaVAs whose decoder layers dominate (vocabulary 512; a 336 px, patch-14 tower, 576 image
 * positions, 64 wide): a narrow 4-layer decoder with LoRA dropout 0 and 0.05, and LLaVA-1.5-7B's decoder widths with 1
 * and 2 layers (dropout 0.05), whose difference is what one 7B-wide layer keeps. LoRA r 128 on the seven decoder
 * linears, projector trainable; one sample of about 630 tokens.
 *
 * <p>Usage: {@code bin/benchmark interop.LlavaActivationCheck [json=benchmarks/results/llava-activations.json]
 * [which=all|narrow|wide]}
 */
public final class LlavaActivationCheck {
    private static final ClipVisionConfig TOWER =
            new ClipVisionConfig(336, 14, 3, 64, 128, 2, 2, 1e-5f, ActivationFunction.QUICK_GELU);

    /** The models measured: a narrow 4-layer decoder, and LLaVA-1.5-7B's decoder widths with 1 and 2 layers. */
    enum Model {
        NARROW("1024 wide, MLP 2752, 16 heads, 4 layers", 1024, 2752, 16, 4),
        WIDE_1("7B widths (4096, MLP 11008, 32 heads), 1 layer", 4096, 11008, 32, 1),
        WIDE_2("7B widths (4096, MLP 11008, 32 heads), 2 layers", 4096, 11008, 32, 2);

        final String description;
        final LlavaConfig config;

        Model(String description, int d, int f, int heads, int layers) {
            this.description = description;
            this.config = LlavaConfig.of(LlamaConfig.of(512, d, f, layers, heads, heads, 1e-5f, 10000.0), TOWER, 3);
        }
    }
    private static final int RANK = 128;
    private static final double MIB = 1024.0 * 1024;

    private LlavaActivationCheck() {}

    /**
     * Runs both dropout settings in child JVMs and prints measured against estimated.
     *
     * @param args JSON output path, which models (all, narrow, wide)
     * @throws Exception if a child fails or the JSON cannot be written
     */
    public static void main(String[] args) throws Exception {
        Path json = Path.of(args.length > 0 ? args[0] : "benchmarks/results/llava-activations.json");
        Path tmp = Files.createTempDirectory("llava-activations");
        JsonArray rows = new JsonArray();
        System.out.printf(Locale.ROOT, "%-50s %-8s %7s %14s %14s %8s%n", "decoder", "dropout", "tokens",
                "measured MiB", "estimate MiB", "ratio");
        String which = args.length > 1 ? args[1] : "all";
        Object[][] narrow = {{Model.NARROW, 0f}, {Model.NARROW, 0.05f}};
        Object[][] wideRuns = {{Model.WIDE_1, 0.05f}, {Model.WIDE_2, 0.05f}};
        Object[][] runs = switch (which) {
            case "all" -> new Object[][] {narrow[0], narrow[1], wideRuns[0], wideRuns[1]};
            case "narrow" -> narrow;
            case "wide" -> wideRuns;
            default -> throw new IllegalArgumentException("llava activations: which '" + which
                    + "'; accepted: all, narrow, wide");
        };
        long[] wide = new long[2];
        int wideTokens = 0;
        try {
            for (Object[] run : runs) {
                Model model = (Model) run[0];
                float dropout = (Float) run[1];
                String label = model.name() + "-" + dropout;
                Path out = tmp.resolve(label + ".json");
                List<String> command = new ArrayList<>();
                command.add(ProcessHandle.current().info().command().orElse(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
                command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(Child.class.getName());
                command.add(model.name());
                command.add(Float.toString(dropout));
                command.add(tmp.toString());
                command.add(out.toString());
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(tmp.resolve(label + ".log").toFile());
                pb.environment().put("MALLOC_MMAP_THRESHOLD_", "131072");
                pb.environment().put("MALLOC_TRIM_THRESHOLD_", "131072");
                Process p = pb.start();
                if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("llava activations: the child " + label + " failed; log: "
                            + Files.readString(tmp.resolve(label + ".log")));
                }
                JsonObject r = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
                int tokens = r.get("tokens").getAsInt();
                long measured = r.get("forwardGrowthBytes").getAsLong();
                long estimate = LlavaMemoryTable.activationBytes(model.config, RANK, tokens,
                        model.config.imageFeatureTokens(), 4, dropout > 0, false);
                r.addProperty("decoder", model.description);
                r.addProperty("estimateBytes", estimate);
                r.addProperty("ratio", (double) measured / estimate);
                System.out.printf(Locale.ROOT, "%-50s %-8.2f %7d %14.1f %14.1f %8.3f%n", model.description, dropout,
                        tokens, measured / MIB, estimate / MIB, (double) measured / estimate);
                rows.add(r);
                if (model != Model.NARROW) {
                    wide[model == Model.WIDE_1 ? 0 : 1] = measured;
                    wideTokens = tokens;
                }
            }
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        JsonObject out = new JsonObject();
        out.addProperty("model", "LLaVA: vocabulary 512; CLIP 336 px, patch 14, 64 wide, 2 layers; LoRA r 128 on 7 "
                + "linears + projector; float32, CPU");
        out.add("rows", rows);
        if (which.equals("narrow")) {
            Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(out), StandardCharsets.UTF_8);
            System.out.println("wrote " + json);
            return;
        }
        long layer = wide[1] - wide[0];
        long[] est = LlavaMemoryTable.layerActivationsPerToken(Model.WIDE_2.config.text(), RANK, wideTokens, true);
        long layerEstimate = wideTokens * (est[0] * 4 + est[1]);
        out.addProperty("wideLayerMeasuredBytes", layer);
        out.addProperty("wideLayerEstimateBytes", layerEstimate);
        out.addProperty("wideLayerTokens", wideTokens);
        System.out.printf(Locale.ROOT, "one 7B-wide decoder layer (2 layers minus 1), %d tokens, dropout 0.05: measured "
                + "%.1f MiB (%.1f KiB per token), autograd estimate %.1f MiB, ratio %.3f%n", wideTokens, layer / MIB,
                layer / 1024.0 / wideTokens, layerEstimate / MIB, (double) layer / layerEstimate);
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(out), StandardCharsets.UTF_8);
        System.out.println("wrote " + json);
    }

    /** One measurement (run by {@link LlavaActivationCheck}): {@code Child MODEL DROPOUT TMP_DIR OUT_JSON}. */
    public static final class Child {
        private Child() {}

        /**
         * Entry point.
         *
         * @param args the {@link Model}, LoRA dropout, a folder for the tokenizer, the output file
         * @throws IOException if a file cannot be written
         */
        public static void main(String[] args) throws IOException {
            LlavaConfig config = Model.valueOf(args[0]).config;
            float dropout = Float.parseFloat(args[1]);
            Path tokenizerFile = Path.of(args[2]).resolve("tokenizer-" + args[0] + args[1] + ".json");
            WordLevelTokenizerFile.write(tokenizerFile, RandomLlavaCheckpoint.promptWords());
            try (NDManager manager = NDManager.newBaseManager();
                    LlavaTokenizer tokenizer = LlavaTokenizer.open(tokenizerFile, 3, 1, 2)) {
                manager.getEngine().setRandomSeed(19);
                LlavaModel model = new LlavaModel(config);
                model.initialize(manager.newSubManager(), DataType.FLOAT32);
                LlavaLoraSetup.apply(model, new LoraConfig(RANK, 2f * RANK, dropout,
                        LoraConfig.llacaDefaults().targetModules(), Optional.empty(), false), true);
                List<Parameter> trainable = ParameterNames.of(model).values().stream()
                        .filter(Parameter::requiresGradient).toList();
                LlavaBatchEncoder encoder = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                        LlavaImageProcessor.llava15(config.vision().imageSize()), 0);
                LlavaExample example = LlavaExample.vqa(new RgbImage(64, 48, new byte[64 * 48 * 3]),
                        RandomLlavaCheckpoint.QUESTION, "A red disc on colour bands .");
                long growth = 0;
                int tokens = 0;
                for (int step = 0; step < 2; step++) {
                    try (NDManager scope = manager.newSubManager()) {
                        LlavaBatch batch = encoder.forTraining(scope, List.of(example));
                        tokens = batch.inputIds().get(0).length - 1 + config.imageFeatureTokens();
                        System.gc();
                        long before = anon();
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray loss = model.answerLoss(new ParameterStore(scope, false), scope, batch, true);
                            loss.getFloat();
                            growth = anon() - before;
                            collector.backward(loss);
                        }
                        for (Parameter p : trainable) {
                            NDArray g = p.getArray().getGradient();
                            g.subi(g);
                        }
                    }
                }
                JsonObject r = new JsonObject();
                r.addProperty("dropout", dropout);
                r.addProperty("tokens", tokens);
                r.addProperty("forwardGrowthBytes", growth);
                Files.writeString(Path.of(args[3]), r.toString(), StandardCharsets.UTF_8);
            }
        }

        private static long anon() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) {
                    return Long.parseLong(line.substring(8).trim().split("\\s+")[0]) * 1024L;
                }
            }
            throw new IOException("/proc/self/status has no RssAnon (Linux only)");
        }
    }
}
