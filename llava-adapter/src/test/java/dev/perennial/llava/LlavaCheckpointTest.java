package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.io.ShardedCheckpoint;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint directories in the llava-hf and original layouts, written by the test and read back. */
class LlavaCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void everyLayoutRoundTripsEveryTensorUnchangedThroughShards() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlavaModel written = TinyLlava.model(manager);
            for (CheckpointLayout layout : CheckpointLayout.values()) {
                Path out = dir.resolve(layout.name());
                List<Path> files = LlavaCheckpoint.write(written, layout, out, 40_000);
                TinyLlava.writeTokenizer(out);
                assertTrue(files.contains(out.resolve(Checkpoints.INDEX_FILE)), layout + " is sharded");
                try (TensorSource source = Checkpoints.open(out)) {
                    assertTrue(((ShardedCheckpoint) source).shards().size() > 2, layout + " has several shards");
                    if (layout == CheckpointLayout.ORIGINAL) {
                        assertTrue(source.names().contains("model.mm_projector.0.weight"));
                        assertTrue(source.names().contains("model.mm_projector.2.bias"));
                        assertTrue(source.names().contains("lm_head.weight"));
                        assertTrue(source.names().contains(
                                "model.vision_tower.vision_tower.vision_model.embeddings.class_embedding"));
                    }
                    if (layout == CheckpointLayout.LLAVA_HF) {
                        assertTrue(source.names().contains("multi_modal_projector.linear_1.weight"));
                        assertTrue(source.names().contains("language_model.model.layers.1.self_attn.q_proj.weight"));
                    }
                }
                try (LoadedLlava loaded = LlavaCheckpoint.load(out, LoadOptions.strict(manager))) {
                    assertTrue(loaded.report().isComplete(), loaded.report().describe());
                    assertEquals(layout, loaded.report().layout());
                    Map<String, Parameter> expected = ParameterNames.of(written);
                    Map<String, Parameter> actual = ParameterNames.of(loaded.model());
                    assertEquals(expected.keySet(), actual.keySet());
                    for (String name : expected.keySet()) {
                        assertTrue(expected.get(name).getArray().contentEquals(actual.get(name).getArray()),
                                layout + ": " + name + " read back unchanged");
                    }
                    if (layout == CheckpointLayout.ORIGINAL) {
                        assertEquals(LlavaConfigFile.ORIGINAL_IMAGE_TOKEN_INDEX, loaded.model().config().imageTokenIndex());
                    } else {
                        assertEquals(3, loaded.model().config().imageTokenIndex());
                    }
                }
            }
        }
    }

    @Test
    void missingAndUnexpectedTensorsAreReportedByName() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlavaModel model = TinyLlava.model(manager);
            LlavaConfigFile.write(model.config(), CheckpointLayout.LLAVA_HF, dir.resolve("config.json"));
            TinyLlava.writeTokenizer(dir);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            ParameterNames.of(model).forEach((n, p) -> tensors.put(n, p.getArray()));
            tensors.remove("multi_modal_projector.linear_2.bias");
            tensors.put("language_model.model.layers.7.mlp.up_proj.weight", manager.zeros(new ai.djl.ndarray.types.Shape(2)));
            tensors.put("vision_tower.vision_model.embeddings.position_ids", manager.arange(17L));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);

            WeightLoadException strict = assertThrows(WeightLoadException.class,
                    () -> LlavaCheckpoint.load(dir, LoadOptions.strict(manager)));
            assertTrue(strict.getMessage().contains("multi_modal_projector.linear_2.bias"), strict.getMessage());
            assertTrue(strict.getMessage().contains("language_model.model.layers.7.mlp.up_proj.weight"),
                    strict.getMessage());

            try (LoadedLlava loaded = LlavaCheckpoint.load(dir, LoadOptions.strict(manager).lenient())) {
                assertEquals(List.of("multi_modal_projector.linear_2.bias"), loaded.report().model().missing());
                assertEquals(List.of("language_model.model.layers.7.mlp.up_proj.weight"),
                        loaded.report().model().unexpected());
                assertTrue(loaded.report().model().skipped().contains("vision_tower.vision_model.embeddings.position_ids"),
                        "buffers are skipped, not unexpected");
            }
        }
    }

    @Test
    void refusesUpFrontWhenTheParametersDoNotFit() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlavaModel model = TinyLlava.model(manager);
            LlavaCheckpoint.write(model, CheckpointLayout.LLAVA_HF, dir, 1 << 30);
            TinyLlava.writeTokenizer(dir);
            long needed = model.parameterCount() * 4;
            InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                    () -> LlavaCheckpoint.load(dir, LoadOptions.strict(manager).withMemoryBudget(needed - 1)));
            assertEquals(needed, e.requiredBytes());
            assertTrue(e.getMessage().contains(Long.toString(needed)), e.getMessage());
            LlavaCheckpoint.load(dir, LoadOptions.strict(manager).withMemoryBudget(needed)).close();
        }
    }

    @Test
    void llava15x7bNeedsAbout14GiBInHalfPrecision() {
        LlavaModel shape = new LlavaModel(LlavaConfig.llava15x7b());
        long n = shape.parameterCount();
        // Vicuna-7B with 32064 rows (6.74e9 + 2·64·4096) + CLIP ViT-L/14-336 (303.5e6) + projector (20.98e6).
        assertEquals(7_063_427_072L, n);
        assertEquals(576, LlavaConfig.llava15x7b().imageFeatureTokens());
    }

    @Test
    void malformedConfigNamesTheFileAndField() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"llava\",\"text_config\":{},"
                + "\"vision_config\":{},\"vision_feature_select_strategy\":\"bogus\"}");
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LlavaCheckpoint.load(dir, LoadOptions.strict(manager)));
            assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("vision_feature_select_strategy"),
                    e.getMessage());
        }
    }

    @Test
    void llavaHfDefaultsFillASparseConfig() throws IOException {
        // The config.json of llava-hf/llava-1.5-7b-hf leaves most fields to the HF defaults.
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"LlavaForConditionalGeneration\"],"
                + "\"image_token_index\":32000,\"model_type\":\"llava\",\"pad_token_id\":32001,"
                + "\"projector_hidden_act\":\"gelu\",\"text_config\":{\"max_position_embeddings\":4096,"
                + "\"model_type\":\"llama\",\"rms_norm_eps\":1e-05,\"torch_dtype\":\"float16\",\"vocab_size\":32064},"
                + "\"vision_config\":{\"hidden_size\":1024,\"image_size\":336,\"intermediate_size\":4096,"
                + "\"model_type\":\"clip_vision_model\",\"num_attention_heads\":16,\"num_hidden_layers\":24,"
                + "\"patch_size\":14,\"projection_dim\":768,\"vocab_size\":32000},"
                + "\"vision_feature_layer\":-2,\"vision_feature_select_strategy\":\"default\"}");
        LlavaConfigFile.Parsed parsed = LlavaConfigFile.read(dir.resolve("config.json"), java.util.Optional.empty());
        assertEquals(LlavaConfig.llava15x7b(), parsed.config());
    }

    @Test
    void originalLayoutTakesTheTowerFromASeparateClipDirectory() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlavaModel written = TinyLlava.model(manager);
            Path llava = dir.resolve("llava");
            Path tower = dir.resolve("clip");
            Files.createDirectories(llava);
            Files.createDirectories(tower);
            LlavaConfigFile.write(written.config(), CheckpointLayout.ORIGINAL, llava.resolve("config.json"));
            com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
                    Files.readString(llava.resolve("config.json"))).getAsJsonObject();
            json.remove("vision_config");
            json.addProperty("mm_vision_tower", "openai/clip-tiny");
            Files.writeString(llava.resolve("config.json"), json.toString());
            Files.writeString(tower.resolve("config.json"), "{\"model_type\":\"clip\",\"vision_config\":{"
                    + "\"hidden_size\":24,\"image_size\":16,\"intermediate_size\":48,\"num_attention_heads\":4,"
                    + "\"num_hidden_layers\":3,\"patch_size\":4}}");
            TinyLlava.writeTokenizer(llava);
            Map<String, NDArray> main = new LinkedHashMap<>();
            Map<String, NDArray> clip = new LinkedHashMap<>();
            ParameterNames.of(written).forEach((n, p) -> {
                if (n.startsWith("vision_tower.")) {
                    clip.put(n.substring("vision_tower.".length()), p.getArray());
                } else {
                    main.put(CheckpointLayout.ORIGINAL.checkpointName(n), p.getArray());
                }
            });
            clip.put("text_model.embeddings.token_embedding.weight", manager.zeros(new ai.djl.ndarray.types.Shape(3, 2)));
            clip.put("logit_scale", manager.ones(new ai.djl.ndarray.types.Shape(1)));
            SafetensorsWriter.write(llava.resolve("model.safetensors"), main);
            SafetensorsWriter.write(tower.resolve("model.safetensors"), clip);

            try (LoadedLlava loaded = LlavaCheckpoint.load(llava, LoadOptions.strict(manager).withVisionTower(tower))) {
                assertTrue(loaded.report().isComplete(), loaded.report().describe());
                assertEquals(CheckpointLayout.ORIGINAL, loaded.report().layout());
                Map<String, Parameter> actual = ParameterNames.of(loaded.model());
                ParameterNames.of(written).forEach((n, p) ->
                        assertTrue(p.getArray().contentEquals(actual.get(n).getArray()), n));
            }
            IllegalArgumentException noTower = assertThrows(IllegalArgumentException.class,
                    () -> LlavaCheckpoint.load(llava, LoadOptions.strict(manager)));
            assertTrue(noTower.getMessage().contains("mm_vision_tower"), noTower.getMessage());
        }
    }

    @Test
    void halfPrecisionLoadHoldsTheRoundedTensors() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlavaModel written = TinyLlava.model(manager);
            LlavaCheckpoint.write(written, CheckpointLayout.LLAVA_HF, dir, 1 << 30);
            TinyLlava.writeTokenizer(dir);
            try (LoadedLlava half = LlavaCheckpoint.load(dir,
                    LoadOptions.strict(manager).withDataType(ai.djl.ndarray.types.DataType.FLOAT16))) {
                Map<String, Parameter> actual = ParameterNames.of(half.model());
                ParameterNames.of(written).forEach((n, p) -> {
                    NDArray h = actual.get(n).getArray();
                    assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, h.getDataType(), n);
                    assertTrue(p.getArray().toType(ai.djl.ndarray.types.DataType.FLOAT16, false).contentEquals(h), n);
                });
            }
        }
    }
}
