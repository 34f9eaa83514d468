package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.HfConfig;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.pet.LoraAdapter;
import dev.perennial.models.pet.LoraConfig;
import dev.perennial.models.pet.LoraLayers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Standard layouts out of a (LoRA-tuned) {@link LlavaModel}, and PEFT adapters back in.
 *
 * <ul>
 *   <li>{@link #writeHf}: a llava-hf directory ({@code config.json}, {@code model.safetensors} or shards with
 *       {@code model.safetensors.index.json}, the tokenizer copied) with every LoRA update merged into its base
 *       weight, W₀ + (α/r)·B·A, so that {@code LlavaForConditionalGeneration.from_pretrained} (transformers &lt; 4.52
 *       names) or {@link LlavaCheckpoint#load} reads it without PEFT.</li>
 *   <li>{@link #writePeft}: a PEFT adapter directory: {@code adapter_config.json} (peft_type LORA, r, lora_alpha,
 *       lora_dropout, target_modules, base_model_name_or_path, modules_to_save) and
 *       {@code adapter_model.safetensors} under PEFT's names for a {@code LlavaForConditionalGeneration} base,
 *       {@code base_model.model.language_model.model.layers.N.self_attn.q_proj.lora_A.weight}; a trained projector is
 *       saved as {@code modules_to_save} ({@code base_model.model.multi_modal_projector.linear_1.weight}).</li>
 *   <li>{@link #loadPeft}: the inverse: reads {@code adapter_config.json}, injects LoRA with its r, α, dropout and
 *       targets, and copies the adapter (and projector) tensors in. Names relative to the decoder, as the LLaVA
 *       repository and {@link LlavaLoraSetup#save} write them ({@code base_model.model.model.layers…}), are accepted
 *       too.</li>
 * </ul>
 */
public final class LlavaExport {
    /** PEFT's adapter config file. */
    public static final String ADAPTER_CONFIG = "adapter_config.json";
    /** PEFT's adapter tensor file. */
    public static final String ADAPTER_MODEL = LlavaLoraSetup.ADAPTER_FILE;

    private static final String PEFT = LoraLayers.PEFT_PREFIX;
    private static final String DECODER = "language_model.";
    private static final String PROJECTOR = "multi_modal_projector.";

    private LlavaExport() {}

    /**
     * Writes a llava-hf directory with LoRA merged (the model itself is not changed).
     *
     * @param model the model
     * @param lora its adapters, if any
     * @param tokenizer the tokenizer file to copy as {@code tokenizer.json}, if any
     * @param dir the directory (created if needed)
     * @param maxShardBytes the most tensor bytes per shard
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> writeHf(LlavaModel model, Optional<LoraLayers> lora, Optional<Path> tokenizer, Path dir,
            long maxShardBytes) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        ParameterNames.of(model).forEach((name, p) -> {
            if (!name.contains(".lora_A.") && !name.contains(".lora_B.")) {
                tensors.put(name, p.getArray());
            }
        });
        try (NDManager scope = NDManager.newBaseManager(model.languageModel().model().embedTokens().weight()
                .getArray().getDevice())) {
            if (lora.isPresent()) {
                for (Map.Entry<String, LoraAdapter> e : lora.get().adapters().entrySet()) {
                    String weight = DECODER + e.getKey() + ".weight";
                    if (!tensors.containsKey(weight)) {
                        throw new IllegalStateException("lora module " + e.getKey() + " has no base weight " + weight);
                    }
                    tensors.put(weight, e.getValue().mergedWeight(scope));
                }
            }
            List<Path> written = new ArrayList<>(
                    LlavaCheckpoint.write(model.config(), tensors, CheckpointLayout.LLAVA_HF, dir, maxShardBytes));
            if (tokenizer.isPresent()) {
                Path target = dir.resolve(LlavaCheckpoint.TOKENIZER_FILE);
                Files.copy(tokenizer.get(), target, StandardCopyOption.REPLACE_EXISTING);
                written.add(target);
            }
            return written;
        }
    }

    /**
     * Writes a PEFT adapter directory.
     *
     * @param model the model (its projector is saved as {@code modules_to_save} when {@code withProjector})
     * @param lora the adapters
     * @param baseModel {@code base_model_name_or_path}: the base checkpoint the adapter applies to
     * @param withProjector whether the projector was trained and is saved with the adapter
     * @param dir the directory (created if needed)
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> writePeft(LlavaModel model, LoraLayers lora, String baseModel, boolean withProjector,
            Path dir) throws IOException {
        Files.createDirectories(dir);
        LoraConfig c = lora.config();
        JsonObject o = new JsonObject();
        o.addProperty("peft_type", "LORA");
        o.addProperty("task_type", "CAUSAL_LM");
        o.addProperty("base_model_name_or_path", baseModel);
        o.addProperty("r", c.rank());
        o.addProperty("lora_alpha", c.alpha());
        o.addProperty("lora_dropout", c.dropout());
        if (c.targetPattern().isPresent()) {
            o.addProperty("target_modules", c.targetPattern().get());
        } else {
            JsonArray targets = new JsonArray();
            c.targetModules().forEach(targets::add);
            o.add("target_modules", targets);
        }
        o.addProperty("use_rslora", c.useRsLora());
        o.addProperty("bias", "none");
        o.addProperty("fan_in_fan_out", false);
        o.addProperty("inference_mode", true);
        if (withProjector) {
            JsonArray modules = new JsonArray();
            modules.add("multi_modal_projector");
            o.add("modules_to_save", modules);
        }
        Path config = dir.resolve(ADAPTER_CONFIG);
        Files.writeString(config, new GsonBuilder().setPrettyPrinting().create().toJson(o), StandardCharsets.UTF_8);
        SafetensorsWriter writer = SafetensorsWriter.create().metadata("format", "pt");
        lora.adapterTensors().forEach((name, array) -> writer.add(PEFT + DECODER + name.substring(PEFT.length()),
                array));
        if (withProjector) {
            ParameterNames.of(model).forEach((name, p) -> {
                if (name.startsWith(PROJECTOR)) {
                    writer.add(PEFT + name, p.getArray());
                }
            });
        }
        Path tensors = dir.resolve(ADAPTER_MODEL);
        writer.write(tensors);
        return List.of(config, tensors);
    }

    /**
     * Reads a PEFT adapter directory onto a model: LoRA with the adapter's settings, its tensors, and the projector
     * when the adapter saved it.
     *
     * @param model the base model (initialised, loaded, without LoRA)
     * @param dir the adapter directory
     * @param trainProjector whether the projector trains from here on
     * @return the LoRA setup, adapters filled in
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming the file and field for a malformed config, or the tensors that do not
     *     fit
     */
    public static LlavaLoraSetup loadPeft(LlavaModel model, Path dir, boolean trainProjector) throws IOException {
        Path configFile = dir.resolve(ADAPTER_CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + " is not a PEFT adapter directory: " + ADAPTER_CONFIG
                    + " is missing");
        }
        HfConfig o = HfConfig.read(configFile);
        LoraConfig config;
        try {
            String type = o.string("peft_type", "LORA");
            if (!type.equals("LORA")) {
                throw new IllegalArgumentException("peft_type is '" + type + "'; accepted: LORA");
            }
            config = new LoraConfig(o.size("r", 8), (float) o.number("lora_alpha", 8), (float) o.number(
                    "lora_dropout", 0), targets(configFile), Optional.ofNullable(pattern(configFile)),
                    o.bool("use_rslora", false));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configFile + ": " + e.getMessage(), e);
        }
        LlavaLoraSetup setup = LlavaLoraSetup.apply(model, config, trainProjector);
        Path file = dir.resolve(ADAPTER_MODEL);
        Map<String, NDArray> adapter = new LinkedHashMap<>();
        Map<String, NDArray> projector = new LinkedHashMap<>();
        NDManager owner = model.languageModel().model().embedTokens().weight().getArray().getManager();
        try (NDManager scope = owner.newSubManager(); SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                if (name.startsWith(PEFT + PROJECTOR)) {
                    projector.put(name.substring(PEFT.length()), f.read(name, scope));
                } else if (name.startsWith(PEFT + DECODER)) {
                    adapter.put(PEFT + name.substring((PEFT + DECODER).length()), f.read(name, scope));
                } else {
                    adapter.put(name, f.read(name, scope));
                }
            }
            setup.lora().loadAdapterTensors(adapter);
            Map<String, ai.djl.nn.Parameter> params = ParameterNames.of(model);
            for (Map.Entry<String, NDArray> e : projector.entrySet()) {
                ai.djl.nn.Parameter p = params.get(e.getKey());
                if (p == null || !p.getArray().getShape().equals(e.getValue().getShape())) {
                    throw new IllegalArgumentException(file + ": " + PEFT + e.getKey() + " does not fit the projector"
                            + (p == null ? " (no such parameter)" : " (shape " + e.getValue().getShape()
                                    + ", expected " + p.getArray().getShape() + ")"));
                }
                e.getValue().toType(p.getArray().getDataType(), false).copyTo(p.getArray());
            }
        }
        return setup;
    }

    private static List<String> targets(Path configFile) throws IOException {
        com.google.gson.JsonElement t = com.google.gson.JsonParser.parseString(Files.readString(configFile))
                .getAsJsonObject().get("target_modules");
        if (t == null || t.isJsonNull()) {
            throw new IllegalArgumentException("target_modules is missing; give the adapted module names");
        }
        if (t.isJsonPrimitive()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        t.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private static String pattern(Path configFile) throws IOException {
        com.google.gson.JsonElement t = com.google.gson.JsonParser.parseString(Files.readString(configFile))
                .getAsJsonObject().get("target_modules");
        return t != null && t.isJsonPrimitive() ? t.getAsString() : null;
    }
}
