package dev.perennial.llava;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.generate.GenerationConfig;
import dev.perennial.llava.generate.GenerationResult;
import dev.perennial.llava.generate.LlavaGenerator;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.pet.LoraConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark program (not a test): generation tokens/s and LoRA training steps/s of LLaVA configurations with
 * random weights, on the default device. Prints a table.
 *
 * <p>Usage: {@code LlavaThroughput [tiny|small|7b] [batch=4] [newTokens=32] [trainSteps=20]}. {@code small} is a
 * 4-layer d=256 decoder with a 2-layer 64 px CLIP tower (16 patches); {@code 7b} is LLaVA-1.5-7B's shape in float32
 * (28 GB of parameters: GPU only).
 */
public final class LlavaThroughput {
    private LlavaThroughput() {}

    /**
     * Entry point.
     *
     * @param args configuration, batch, new tokens, training steps
     * @throws Exception on IO errors
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "tiny";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int newTokens = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        LlavaConfig config = switch (which) {
            case "tiny" -> TinyLlava.config();
            case "small" -> LlavaConfig.of(LlamaConfig.of(512, 256, 688, 4, 8, 8, 1e-6f, 10000.0),
                    new ClipVisionConfig(64, 16, 3, 128, 512, 2, 4, 1e-5f, ActivationFunction.QUICK_GELU), 3);
            case "7b" -> {
                LlavaConfig c = LlavaConfig.llava15x7b();
                // The benchmark's word-level tokenizer calls the image token 3; the shapes are LLaVA-1.5-7B's.
                yield new LlavaConfig(c.text(), c.vision(), 3, c.visionFeatureLayer(), c.featureSelect(),
                        c.projectorHiddenAct(), c.projectorBias(), c.bosTokenId(), c.eosTokenId(), c.padTokenId());
            }
            default -> throw new IllegalArgumentException("configuration: tiny, small or 7b, got " + which);
        };
        // float32 everywhere: models.llama's float16 forward mixes in float32 masks and RoPE tables (see README).
        DataType type = DataType.FLOAT32;
        Path dir = Files.createTempDirectory("llava-bench");
        // Token ids only need to exist: the word-level tokenizer's ids 0..39 fit every configuration.
        Path tokenizerFile = TinyLlava.writeTokenizer(dir);
        try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                LlavaTokenizer tokenizer = LlavaTokenizer.open(tokenizerFile, config.imageTokenIndex(), 1, 2)) {
            System.out.printf(Locale.ROOT, "engine %s %s, device %s, configuration %s (%d parameters, %s)%n",
                    Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), manager.getDevice(),
                    which, new LlavaModel(config).parameterCount(), type);
            LlavaModel model = new LlavaModel(config);
            model.initialize(manager, type);
            LlavaBatchEncoder encoder = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(config.vision().imageSize()), 0);
            List<LlavaExample> prompts = new ArrayList<>();
            List<LlavaExample> train = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                prompts.add(LlavaExample.prompt(TinyLlava.image(i, 30 + i, 20), "what color is this?"));
                train.add(LlavaExample.vqa(TinyLlava.image(i, 30 + i, 20), "what color is this?", "a red dog ."));
            }
            LlavaGenerator generator = new LlavaGenerator(model, tokenizer);
            System.out.println("| measurement | batch | value |");
            System.out.println("|---|---|---|");
            for (boolean cache : new boolean[] {true, false}) {
                GenerationConfig gen = new GenerationConfig(newTokens, 0f, 1f, 0, 0, List.of(), cache);
                run(generator, encoder, manager, prompts, gen); // warm-up
                long start = System.nanoTime();
                int tokens = run(generator, encoder, manager, prompts, gen);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "| greedy generation, %s KV cache (tokens/s) | %d | %.1f |%n",
                        cache ? "with" : "without", batch, tokens / seconds);
            }
            LlavaLoraSetup.apply(model, LoraConfig.llacaDefaults(), true);
            List<Parameter> trainable = ParameterNames.of(model).values().stream()
                    .filter(Parameter::requiresGradient).toList();
            long start = 0;
            for (int s = 0; s < steps + 2; s++) {
                if (s == 2) {
                    start = System.nanoTime();
                }
                try (NDManager scope = manager.newSubManager()) {
                    ParameterStore store = new ParameterStore(scope, false);
                    LlavaBatch b = encoder.forTraining(scope, train);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(model.answerLoss(store, scope, b, true));
                    }
                    for (Parameter p : trainable) {
                        NDArray w = p.getArray();
                        NDArray g = w.getGradient();
                        g.attach(scope);
                        w.subi(g.mul(1e-4f)); // plain SGD: the optimizer's cost is the loop's, not the model's
                        g.subi(g);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "| LoRA (r 128, α 256, 7 linears) + projector training (steps/s) | %d | %.2f |%n",
                    batch, steps / seconds);
        }
    }

    private static int run(LlavaGenerator generator, LlavaBatchEncoder encoder, NDManager manager,
            List<LlavaExample> prompts, GenerationConfig config) {
        try (NDManager scope = manager.newSubManager()) {
            int tokens = 0;
            for (GenerationResult r : generator.generate(scope, encoder.forGeneration(scope, prompts), config)) {
                tokens += r.tokenIds().length + (r.finishReason() == dev.perennial.llava.generate.FinishReason.EOS
                        ? 1 : 0);
            }
            return tokens;
        }
    }
}
