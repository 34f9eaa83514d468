package dev.perennial.benchmarks.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.perennial.llava.CheckpointLayout;
import dev.perennial.llava.LlavaCheckpoint;
import dev.perennial.llava.LlavaConfig;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.WordLevelTokenizerFile;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a llava-hf checkpoint directory with random weights, as {@code llava-hf/llava-1.5-7b-hf} ships one:
 * {@code config.json}, safetensors shards with {@code model.safetensors.index.json}, and a word-level
 * {@code tokenizer.json} that knows the benchmark prompt's words.
 *
 * <p>The tensor names and shapes come from {@link LlavaModel}'s uninitialised parameters, so the model is never held
 * whole: each shard's tensors are drawn in a manager of their own, written, and freed (peak memory is one shard).
 * Weights are N(0, 0.02), norm weights 1, biases 0. In BF16 the float32 draws are narrowed when written.
 */
final class RandomLlavaCheckpoint {
    /** Words of the benchmark prompt after the template's system text. */
    static final String QUESTION = "What is shown in this image? Describe the colors, the shapes and where they are.";

    private RandomLlavaCheckpoint() {}

    /** What was written. */
    record Written(Path dir, int shards, long tensorBytes, long parameters) {}

    /**
     * Writes the directory.
     *
     * @param config the model's shape
     * @param bf16 whether the tensors are stored as BF16 (else F32)
     * @param dir the directory (created)
     * @param shards how many shards to aim at (at least 2, so that the index is read; a tensor is never split)
     * @param seed the engine's random seed
     * @return the directory and its size
     * @throws IOException if a file cannot be written
     */
    static Written write(LlavaConfig config, boolean bf16, Path dir, int shards, long seed) throws IOException {
        Files.createDirectories(dir);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        ParameterNames.of(new LlavaModel(config)).forEach((name, p) -> shapes.put(name, shapeOf(name, p)));
        long elementBytes = bf16 ? 2 : 4;
        long parameters = shapes.values().stream().mapToLong(Shape::size).sum();
        long maxShardBytes = Math.max(parameters * elementBytes / Math.max(2, shards) + 1,
                shapes.values().stream().mapToLong(Shape::size).max().orElse(1) * elementBytes);
        List<List<String>> plan = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            long bytes = e.getValue().size() * elementBytes;
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                plan.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e.getKey());
            currentBytes += bytes;
        }
        plan.add(current);

        dev.perennial.llava.LlavaConfigFile.write(config, CheckpointLayout.LLAVA_HF,
                dir.resolve(LlavaCheckpoint.CONFIG_FILE));
        WordLevelTokenizerFile.write(dir.resolve(LlavaCheckpoint.TOKENIZER_FILE), promptWords());
        JsonObject weightMap = new JsonObject();
        try (NDManager root = NDManager.newBaseManager()) {
            root.getEngine().setRandomSeed((int) seed);
            for (int i = 0; i < plan.size(); i++) {
                String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, plan.size());
                try (NDManager shard = root.newSubManager()) {
                    SafetensorsWriter writer = SafetensorsWriter.create().metadata("format", "pt");
                    for (String name : plan.get(i)) {
                        String stored = CheckpointLayout.LLAVA_HF.checkpointName(name);
                        NDArray values = values(shard, name, shapes.get(name));
                        if (bf16) {
                            writer.addAsBf16(stored, values);
                        } else {
                            writer.add(stored, values);
                        }
                        weightMap.addProperty(stored, file);
                    }
                    writer.write(dir.resolve(file));
                }
                // The writer's byte buffers are direct (off-heap) and freed only by a collection: free this shard's
                // before drawing the next, so the parent stays at one shard while a child measures.
                System.gc();
            }
        }
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", parameters * elementBytes);
        JsonObject index = new JsonObject();
        index.add("metadata", metadata);
        index.add("weight_map", weightMap);
        Files.writeString(dir.resolve(Checkpoints.INDEX_FILE),
                new GsonBuilder().setPrettyPrinting().create().toJson(index), StandardCharsets.UTF_8);
        return new Written(dir, plan.size(), parameters * elementBytes, parameters);
    }

    private static Shape shapeOf(String name, Parameter p) {
        Shape s = p.getShape();
        if (s == null) {
            throw new IllegalStateException("llava scale: parameter '" + name + "' has no shape before initialisation");
        }
        return s;
    }

    private static NDArray values(NDManager manager, String name, Shape shape) {
        if (name.endsWith(".bias")) {
            return manager.zeros(shape, DataType.FLOAT32);
        }
        if (shape.dimension() == 1 && name.endsWith(".weight") && name.contains("norm")) {
            return manager.ones(shape, DataType.FLOAT32);
        }
        return manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
    }

    /** The words of the Vicuna v1 system text and the benchmark question, as the tokenizer splits them. */
    static List<String> promptWords() {
        Set<String> words = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\w+|[^\\w\\s]+").matcher(ConversationTemplate.VICUNA_SYSTEM + " USER ASSISTANT "
                + QUESTION);
        while (m.find()) {
            words.add(m.group());
        }
        words.removeAll(WordLevelTokenizerFile.SPECIAL_TOKENS);
        return new ArrayList<>(words);
    }
}
