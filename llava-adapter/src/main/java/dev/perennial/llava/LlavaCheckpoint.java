package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.MemoryBudget;
import dev.perennial.models.io.LoadReport;
import dev.perennial.models.io.NameMap;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
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
import java.util.OptionalLong;

/**
 * Reads and writes LLaVA checkpoint directories: {@code config.json}, safetensors (one file or shards with
 * {@code model.safetensors.index.json}) and {@code tokenizer.json}. Pickled {@code .bin} files are never read.
 *
 * <p>Loading checks the memory the parameters need before allocating anything, builds the model on the options'
 * manager in float32 or float16, and copies tensors one at a time from memory-mapped shards (BF16 widened in Java),
 * so peak memory is the model plus one tensor.
 *
 * <pre>{@code
 * try (LoadedLlava llava = LlavaCheckpoint.load(dir, LoadOptions.strict(manager))) {
 *     List<GenerationResult> answers = new LlavaGenerator(llava.model(), llava.tokenizer())
 *         .generate(manager, llava.batchEncoder().forGeneration(manager, prompts), GenerationConfig.greedy(64));
 * }
 * }</pre>
 */
public final class LlavaCheckpoint {
    /** The config file name. */
    public static final String CONFIG_FILE = "config.json";
    /** The tokenizer file name. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /** Checkpoint tensors that are buffers, not parameters (old CLIP position ids, old LLaMA RoPE frequencies). */
    private static final String BUFFERS = "(position_ids|rotary_emb\\.inv_freq)$";

    private LlavaCheckpoint() {}

    /**
     * Loads a checkpoint directory.
     *
     * @param dir the directory
     * @param options device, type, strictness, memory budget, separate vision tower
     * @return the model, tokenizer, preprocessing and report
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming the file and field for malformed config or tokenizer
     * @throws InsufficientMemoryException if the parameters do not fit, before anything is allocated
     * @throws dev.perennial.models.io.WeightLoadException if strict and tensors are missing, unexpected or mis-shaped
     */
    public static LoadedLlava load(Path dir, LoadOptions options) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory; expected a LLaVA checkpoint directory with "
                    + CONFIG_FILE + ", safetensors and " + TOKENIZER_FILE);
        }
        Optional<Path> towerConfig = options.visionTowerDir().map(d -> d.resolve(CONFIG_FILE));
        LlavaConfigFile.Parsed parsed = LlavaConfigFile.read(dir.resolve(CONFIG_FILE), towerConfig);
        LlavaConfig config = parsed.config();
        LlavaModel model = new LlavaModel(config);
        checkMemory(dir.toString(), model.parameterCount(), options);
        LlavaTokenizer tokenizer = LlavaTokenizer.open(dir.resolve(TOKENIZER_FILE), config.imageTokenIndex(),
                config.bosTokenId(), config.eosTokenId());
        try {
            model.initialize(options.manager(), options.dataType());
            LlavaLoadReport report = loadWeights(dir, parsed.layout(), model, options);
            return new LoadedLlava(model, tokenizer, LlavaImageProcessor.llava15(config.vision().imageSize()), report);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * Fails unless {@code parameters} fit the budget.
     *
     * @param what the checkpoint, for the message
     * @param parameters scalars to hold
     * @param options type, device and budget
     * @throws InsufficientMemoryException if they do not fit
     */
    static void checkMemory(String what, long parameters, LoadOptions options) {
        long bytes = parameters * options.dataType().getNumOfBytes();
        OptionalLong budget = MemoryBudget.effective(options.memoryBudgetBytes(), options.manager().getDevice());
        if (budget.isPresent() && bytes > budget.getAsLong()) {
            throw new InsufficientMemoryException(what + " (" + parameters + " parameters in "
                    + options.dataType().toString().toLowerCase(Locale.ROOT) + ")", bytes, budget.getAsLong(),
                    "load it on a GPU in float16 (about " + parameters * 2 + " bytes) or use a smaller model");
        }
    }

    private static LlavaLoadReport loadWeights(Path dir, CheckpointLayout configLayout, LlavaModel model,
            LoadOptions options) throws IOException {
        try (TensorSource source = Checkpoints.open(dir)) {
            CheckpointLayout layout = configLayout;
            if (layout == CheckpointLayout.LLAVA_HF && source.names().stream().anyMatch(
                    n -> n.startsWith("model.language_model.") || n.startsWith("model.multi_modal_projector."))) {
                layout = CheckpointLayout.LLAVA_HF_V2;
            }
            WeightLoader loader = (options.strict() ? WeightLoader.strict() : WeightLoader.lenient())
                    .withNameMap(layout.nameMap())
                    .ignoring(BUFFERS);
            Optional<LoadReport> towerReport = Optional.empty();
            if (options.visionTowerDir().isPresent()) {
                loader = loader.allowingMissing("^vision_tower\\.");
            }
            LoadReport main = loader.load(source, model);
            if (options.visionTowerDir().isPresent()) {
                towerReport = Optional.of(loadVisionTower(options.visionTowerDir().get(), model, options));
            }
            return new LlavaLoadReport(layout, main, towerReport);
        }
    }

    private static LoadReport loadVisionTower(Path towerDir, LlavaModel model, LoadOptions options)
            throws IOException {
        try (TensorSource tower = Checkpoints.open(towerDir)) {
            // A CLIPModel checkpoint also holds the text tower and projections: keep only vision_model.*.
            NameMap map = name -> name.startsWith("vision_model.") ? Optional.of(name) : Optional.empty();
            WeightLoader loader = (options.strict() ? WeightLoader.strict() : WeightLoader.lenient())
                    .withNameMap(map)
                    .ignoring(BUFFERS);
            return loader.load(tower, model.visionTower());
        }
    }

    /**
     * Writes a model as a checkpoint directory (config and safetensors; shards with an index when the tensors
     * exceed {@code maxShardBytes}). LoRA tensors are left out (see {@link LlavaExport} for merged or PEFT exports); the
     * tokenizer file is not written: copy the one the model was trained with.
     *
     * @param model an initialised model
     * @param layout the layout to write
     * @param dir the directory (created if needed)
     * @param maxShardBytes the most tensor bytes per shard
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> write(LlavaModel model, CheckpointLayout layout, Path dir, long maxShardBytes)
            throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        ParameterNames.of(model).forEach((name, p) -> {
            if (!name.contains(".lora_A.") && !name.contains(".lora_B.")) {
                tensors.put(name, p.getArray());
            }
        });
        return write(model.config(), tensors, layout, dir, maxShardBytes);
    }

    /**
     * Writes tensors under {@link LlavaModel}'s parameter names as a checkpoint directory (e.g. with LoRA merged into
     * the base weights; see {@link LlavaExport}).
     *
     * @param config the model's shape
     * @param parameters parameter name to array, every parameter of the model but LoRA's
     * @param layout the layout to write
     * @param dir the directory (created if needed)
     * @param maxShardBytes the most tensor bytes per shard
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> write(LlavaConfig config, Map<String, NDArray> parameters, CheckpointLayout layout,
            Path dir, long maxShardBytes) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("llava checkpoint: maxShardBytes must be positive, got " + maxShardBytes);
        }
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path configFile = dir.resolve(CONFIG_FILE);
        LlavaConfigFile.write(config, layout, configFile);
        written.add(configFile);
        List<Map<String, NDArray>> shards = new ArrayList<>();
        Map<String, NDArray> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray array = e.getValue();
            long bytes = array.size() * array.getDataType().getNumOfBytes();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(layout.checkpointName(e.getKey()), array);
            currentBytes += bytes;
            totalBytes += bytes;
        }
        shards.add(current);
        if (shards.size() == 1) {
            Path file = dir.resolve(Checkpoints.SINGLE_FILE);
            SafetensorsWriter.write(file, shards.get(0));
            written.add(file);
            return written;
        }
        JsonObject weightMap = new JsonObject();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Path file = dir.resolve(name);
            SafetensorsWriter writer = SafetensorsWriter.create().metadata("format", "pt");
            shards.get(i).forEach(writer::add);
            writer.write(file);
            written.add(file);
            for (String tensor : shards.get(i).keySet()) {
                weightMap.addProperty(tensor, name);
            }
        }
        JsonObject index = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", totalBytes);
        index.add("metadata", metadata);
        index.add("weight_map", weightMap);
        Path indexFile = dir.resolve(Checkpoints.INDEX_FILE);
        Files.writeString(indexFile, new GsonBuilder().setPrettyPrinting().create().toJson(index),
                StandardCharsets.UTF_8);
        written.add(indexFile);
        return written;
    }
}
