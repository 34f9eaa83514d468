package dev.perennial.benchmarks.interop;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.perennial.llava.LlavaConfig;
import dev.perennial.llava.LlavaModel;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.NamedModules;
import dev.perennial.models.pet.LoraConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What LoRA fine-tuning of LLaVA needs on a GPU, computed from the model's parameter shapes (not measured): the
 * frozen weights in half precision, the fp32 LoRA and projector parameters with their gradients and AdamW's two
 * moments, and the activations autograd keeps for the backward pass, with and without gradient checkpointing.
 * {@code docs/llava-memory.md} is this program's output for LLaVA-1.5-7B.
 *
 * <p>Parameter counts come from {@link LlavaModel}'s uninitialised parameters; LoRA's from the decoder's linear
 * layers that {@link LoraConfig#matches} selects, r·(in + out) each, the modules {@code LoraLayers.inject} adapts.
 *
 * <p>Activations, per token and decoder layer, in elements (the model's dtype), for this project's decoder (eager
 * attention, SwiGLU MLP, RMSNorm, base weights frozen so their inputs are kept only where LoRA's A needs them):
 * two RMSNorm inputs and their outputs (4d: the outputs feed q/k/v and gate/up LoRA); q and k after RoPE and v (3d);
 * the attention output (d, o_proj's LoRA input); the softmax probabilities (heads·s, s the sequence length); gate,
 * SiLU(gate), up and their product (4f); the 7 LoRA A outputs (7r). LoRA dropout > 0 keeps a separate dropped copy
 * of each adapter's input (6d + f) and a one-byte mask of it. The head adds its log-softmax over the vocabulary (V per
 * token). The frozen vision tower keeps nothing; the projector keeps 1024 + 2·4096 per image token. With per-layer
 * gradient checkpointing only each layer's input (d) is kept, and one layer's activations exist again while it is
 * recomputed during the backward pass.
 *
 * <p>Usage: {@code bin/benchmark interop.LlavaMemoryTable [rank=128] [json=benchmarks/results/llava-memory.json]}
 */
public final class LlavaMemoryTable {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private LlavaMemoryTable() {}

    /**
     * Parameter counts of a LLaVA model and of a LoRA setup on it.
     *
     * @param total every parameter
     * @param visionTower the CLIP tower's
     * @param projector the projector's
     * @param languageModel the decoder's, with embeddings and head
     * @param lora LoRA's A and B matrices
     * @param loraModules how many linear layers are adapted
     */
    public record Counts(long total, long visionTower, long projector, long languageModel, long lora, int loraModules) {}

    /**
     * Counts the parameters from the shapes (nothing is allocated).
     *
     * @param config the model
     * @param lora the LoRA setup (its rank and target modules)
     * @return the counts
     */
    public static Counts count(LlavaConfig config, LoraConfig lora) {
        LlavaModel model = new LlavaModel(config);
        long total = 0;
        long tower = 0;
        long projector = 0;
        long decoder = 0;
        for (Map.Entry<String, Parameter> e : ParameterNames.of(model).entrySet()) {
            long n = e.getValue().getShape().size();
            total += n;
            if (e.getKey().startsWith("vision_tower.")) {
                tower += n;
            } else if (e.getKey().startsWith("multi_modal_projector.")) {
                projector += n;
            } else {
                decoder += n;
            }
        }
        long adapters = 0;
        int modules = 0;
        for (Map.Entry<String, Block> e : NamedModules.of(model.languageModel()).entrySet()) {
            if (e.getValue() instanceof Linear linear && lora.matches(e.getKey())) {
                Shape w = linear.weight().getShape();
                adapters += (long) lora.rank() * (w.get(0) + w.get(1));
                modules++;
            }
        }
        return new Counts(total, tower, projector, decoder, adapters, modules);
    }

    /**
     * Activation elements autograd keeps per token in one decoder layer (see the class comment).
     *
     * @param text the decoder
     * @param rank LoRA's rank
     * @param sequence the sequence length (the attention probabilities grow with it)
     * @param dropout whether LoRA dropout is on
     * @return the elements, and with dropout the mask bytes separately: {elements, maskBytes}
     */
    public static long[] layerActivationsPerToken(LlamaConfig text, int rank, int sequence, boolean dropout) {
        long d = text.hiddenSize();
        long f = text.intermediateSize();
        long elements = 8 * d + 4 * f + 7L * rank + (long) text.numAttentionHeads() * sequence;
        long masks = 0;
        if (dropout) {
            elements += 6 * d + f;
            masks = 6 * d + f;
        }
        return new long[] {elements, masks};
    }

    /**
     * Activation bytes of one sample.
     *
     * @param config the model
     * @param rank LoRA's rank
     * @param sequence tokens per sample, image positions included
     * @param imageTokens image positions among them
     * @param bytesPerElement 2 for fp16/bf16 activations, 4 for fp32
     * @param dropout whether LoRA dropout is on
     * @param checkpointing per-layer gradient checkpointing
     * @return bytes
     */
    public static long activationBytes(LlavaConfig config, int rank, int sequence, int imageTokens,
            int bytesPerElement, boolean dropout, boolean checkpointing) {
        LlamaConfig t = config.text();
        long[] layer = layerActivationsPerToken(t, rank, sequence, dropout);
        long layerBytes = layer[0] * bytesPerElement + layer[1];
        long perToken = checkpointing
                ? (long) t.numHiddenLayers() * t.hiddenSize() * bytesPerElement + layerBytes
                : t.numHiddenLayers() * layerBytes;
        perToken += (long) t.vocabSize() * bytesPerElement + (long) t.hiddenSize() * bytesPerElement;
        long projector = (long) imageTokens * (config.vision().hiddenSize() + 2L * t.hiddenSize()) * bytesPerElement;
        return sequence * perToken + projector;
    }

    /**
     * Prints the table for LLaVA-1.5-7B and writes it as JSON.
     *
     * @param args LoRA rank, JSON output path
     * @throws IOException if the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        int rank = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        Path json = Path.of(args.length > 1 ? args[1] : "benchmarks/results/llava-memory.json");
        LlavaConfig config = LlavaConfig.llava15x7b();
        LoraConfig lora = new LoraConfig(rank, 2f * rank, 0.05f, LoraConfig.llacaDefaults().targetModules(),
                java.util.Optional.empty(), false);
        Counts c = count(config, lora);
        long trainable = c.lora() + c.projector();
        JsonObject out = new JsonObject();
        out.addProperty("model", "LLaVA-1.5-7B (llava-hf/llava-1.5-7b-hf shapes)");
        out.addProperty("loraRank", rank);
        out.addProperty("loraTargets", String.join(",", lora.targetModules()));
        out.addProperty("loraModules", c.loraModules());
        out.addProperty("parameters", c.total());
        out.addProperty("visionTower", c.visionTower());
        out.addProperty("projector", c.projector());
        out.addProperty("languageModel", c.languageModel());
        out.addProperty("lora", c.lora());
        System.out.printf(Locale.ROOT, "LLaVA-1.5-7B: %,d parameters (vision tower %,d, projector %,d, language model "
                + "%,d); LoRA r %d on %s: %d modules, %,d parameters%n%n", c.total(), c.visionTower(), c.projector(),
                c.languageModel(), rank, lora.targetModules(), c.loraModules(), c.lora());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"weights, fp16/bf16 (frozen)", "2 B × " + c.total(), gib(2 * c.total())});
        rows.add(new String[] {"LoRA + projector parameters, fp32", "4 B × " + trainable, gib(4 * trainable)});
        rows.add(new String[] {"their gradients, fp32", "4 B × " + trainable, gib(4 * trainable)});
        rows.add(new String[] {"AdamW moments m and v, fp32", "8 B × " + trainable, gib(8 * trainable)});
        rows.add(new String[] {"LLaCA: EMA copy + previous gradient, fp32", "8 B × " + trainable, gib(8 * trainable)});
        System.out.printf(Locale.ROOT, "%-44s %-26s %10s%n", "part", "bytes", "GiB");
        JsonArray parts = new JsonArray();
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-44s %-26s %10s%n", r[0], r[1], r[2]);
            JsonObject o = new JsonObject();
            o.addProperty("part", r[0]);
            o.addProperty("bytes", r[1]);
            o.addProperty("gib", Double.parseDouble(r[2]));
            parts.add(o);
        }
        out.add("parts", parts);
        long fixed = 2 * c.total() + 16 * trainable;
        out.addProperty("weightsAndAdamWBytes", fixed);
        System.out.printf(Locale.ROOT, "%-44s %-26s %10s%n%n", "weights + AdamW state", "", gib(fixed));

        int image = config.imageFeatureTokens();
        JsonArray acts = new JsonArray();
        for (int bytes : new int[] {2, 4}) {
            System.out.printf(Locale.ROOT, "activations per sample, %s, one image (%d positions) + text; GiB%n",
                    bytes == 2 ? "fp16/bf16" : "fp32", image);
            System.out.printf(Locale.ROOT, "%-10s %-14s %-18s %-14s %-18s%n", "tokens", "no ckpt",
                    "no ckpt, dropout", "layer ckpt", "layer ckpt, dropout");
            for (int s : new int[] {640, 1024, 2048}) {
                long plain = activationBytes(config, rank, s, image, bytes, false, false);
                long drop = activationBytes(config, rank, s, image, bytes, true, false);
                long ckpt = activationBytes(config, rank, s, image, bytes, false, true);
                long ckptDrop = activationBytes(config, rank, s, image, bytes, true, true);
                System.out.printf(Locale.ROOT, "%-10d %-14s %-18s %-14s %-18s%n", s, gib(plain), gib(drop),
                        gib(ckpt), gib(ckptDrop));
                JsonObject o = new JsonObject();
                o.addProperty("bytesPerElement", bytes);
                o.addProperty("tokens", s);
                o.addProperty("noCheckpointingBytes", plain);
                o.addProperty("noCheckpointingDropoutBytes", drop);
                o.addProperty("layerCheckpointingBytes", ckpt);
                o.addProperty("layerCheckpointingDropoutBytes", ckptDrop);
                acts.add(o);
            }
            System.out.println();
        }
        out.add("activationsPerSample", acts);

        // Totals at 640 tokens (one image and a short conversation), LoRA dropout 0.05 as in CoIN / LLaVA.
        System.out.println("totals at 640 tokens per sample, LoRA dropout on, AdamW; GiB");
        System.out.printf(Locale.ROOT, "%-58s %8s %8s %8s %8s%n", "setup", "batch 1", "batch 4", "batch 16",
                "16, ckpt");
        JsonArray totals = new JsonArray();
        String[] setups = {"fp32 weights, LoRA, state and activations (the learners today)",
            "fp16 weights, LoRA and state in fp32, fp16 activations"};
        for (int k = 0; k < 2; k++) {
            long weights = (k == 0 ? 4 : 2) * c.total();
            int actBytes = k == 0 ? 4 : 2;
            long base = weights + 16 * trainable;
            long perSample = activationBytes(config, rank, 640, image, actBytes, true, false);
            long perSampleCkpt = activationBytes(config, rank, 640, image, actBytes, true, true);
            long[] cells = {base + perSample, base + 4 * perSample, base + 16 * perSample, base + 16 * perSampleCkpt};
            System.out.printf(Locale.ROOT, "%-58s %8s %8s %8s %8s%n", setups[k], gib(cells[0]), gib(cells[1]),
                    gib(cells[2]), gib(cells[3]));
            JsonObject o = new JsonObject();
            o.addProperty("setup", setups[k]);
            o.addProperty("batch1Bytes", cells[0]);
            o.addProperty("batch4Bytes", cells[1]);
            o.addProperty("batch16Bytes", cells[2]);
            o.addProperty("batch16CheckpointingBytes", cells[3]);
            totals.add(o);
        }
        out.add("totalsAt640Tokens", totals);
        LlamaConfig t = config.text();
        long kvPerToken = 2L * t.numHiddenLayers() * t.numKeyValueHeads() * t.headDim();
        out.addProperty("kvCacheElementsPerToken", kvPerToken);
        System.out.printf(Locale.ROOT, "%ngeneration: KV cache %,d elements per token (%.2f MiB in fp16, %.2f MiB in "
                + "fp32); a 640-token prompt + 128 new tokens: %s GiB fp16, %s GiB fp32 per sample; prefill logits over "
                + "the vocabulary at every prompt position: %.1f MiB in fp32%n", kvPerToken,
                kvPerToken * 2 / 1048576.0, kvPerToken * 4 / 1048576.0, gib(768 * kvPerToken * 2),
                gib(768 * kvPerToken * 4), 640.0 * t.vocabSize() * 4 / 1048576.0);
        long[] perLayer = layerActivationsPerToken(config.text(), rank, 640, false);
        out.addProperty("layerElementsPerTokenAt640", perLayer[0]);
        System.out.printf(Locale.ROOT, "%nper token and decoder layer at 640 tokens: %,d elements (%s KiB in fp16)%n",
                perLayer[0], String.format(Locale.ROOT, "%.1f", perLayer[0] * 2 / 1024.0));
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(out), StandardCharsets.UTF_8);
        System.out.println("wrote " + json);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / GIB);
    }
}
