package dev.perennial.models.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.io.WeightLoadException;
import dev.perennial.models.nn.ActivationFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19 item 3: the public HF config readers and {@link LlamaForCausalLM#load}. */
class HfConfigLoadersTest {
    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file;
    }

    @Test
    void llamaConfigTakesHfDefaultsForAbsentFields() throws IOException {
        Path file = write("config.json", "{\"model_type\": \"llama\", \"vocab_size\": 100, \"hidden_size\": 64, "
                + "\"num_attention_heads\": 4, \"num_hidden_layers\": 3, \"intermediate_size\": 96, "
                + "\"rope_scaling\": null}");
        LlamaConfig c = LlamaConfig.fromHf(file);
        assertEquals(new LlamaConfig(100, 64, 96, 3, 4, 4, 1e-6f, 10000.0, false, false, false), c);
        assertEquals(c, LlamaConfig.fromHf(dir), "a directory is read through its config.json");
        assertEquals(LlamaConfig.llama2x7b(), LlamaConfig.fromHf(write("c7.json", "{\"rms_norm_eps\": 1e-5}")));
    }

    @Test
    void llavaConfigsAreReadThroughTheirNestedObjects() throws IOException {
        Path file = write("llava.json", "{\"model_type\": \"llava\", \"text_config\": {\"hidden_size\": 32, "
                + "\"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"num_hidden_layers\": 2, "
                + "\"intermediate_size\": 64, \"vocab_size\": 40}, \"vision_config\": {\"image_size\": 336, "
                + "\"patch_size\": 14, \"hidden_size\": 1024, \"intermediate_size\": 4096, \"num_hidden_layers\": 24,"
                + " \"num_attention_heads\": 16}}");
        assertEquals(LlamaConfig.of(40, 32, 64, 2, 4, 2, 1e-6f, 10000.0), LlamaConfig.fromHf(file));
        assertEquals(ClipVisionConfig.vitLarge14At336(), ClipVisionConfig.fromHf(file));
        assertEquals(new ClipVisionConfig(224, 32, 3, 768, 3072, 12, 12, 1e-5f, ActivationFunction.QUICK_GELU),
                ClipVisionConfig.fromHf(write("clip.json", "{}")));
    }

    @Test
    void unsupportedFieldsNameTheFileAndTheField() throws IOException {
        Path scaled = write("scaled.json", "{\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromHf(scaled));
        assertTrue(e.getMessage().startsWith(scaled + ": rope_scaling is set"), e.getMessage());
        Path gelu = write("gelu.json", "{\"text_config\": {\"hidden_act\": \"gelu\"}}");
        e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromHf(gelu));
        assertTrue(e.getMessage().contains("text_config.hidden_act is 'gelu'"), e.getMessage());
        Path gpt = write("gpt.json", "{\"model_type\": \"gpt2\"}");
        e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromHf(gpt));
        assertTrue(e.getMessage().contains("model_type is 'gpt2'; accepted: llama"), e.getMessage());
        Path heads = write("heads.json", "{\"num_attention_heads\": 2.5}");
        e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromHf(heads));
        assertTrue(e.getMessage().contains("num_attention_heads must be an integer"), e.getMessage());
        Path act = write("act.json", "{\"vision_config\": {\"hidden_act\": \"tanh\"}}");
        e = assertThrows(IllegalArgumentException.class, () -> ClipVisionConfig.fromHf(act));
        assertTrue(e.getMessage().contains("vision_config.hidden_act is 'tanh'; accepted: gelu, quick_gelu"),
                e.getMessage());
    }

    @Test
    void loadReadsAnHfDirectoryAndGivesTheSameLogits() throws IOException {
        LlamaConfig config = LlamaConfig.of(48, 32, 64, 2, 4, 2, 1e-6f, 500.0);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaForCausalLM source = new LlamaForCausalLM(config);
            source.initialize(manager, DataType.FLOAT32);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            ParameterNames.of(source).forEach((n, p) -> tensors.put(n, p.getArray()));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
            StringBuilder json = new StringBuilder("{\"model_type\": \"llama\"");
            config.toHf().forEach((k, v) -> json.append(", \"").append(k).append("\": ")
                    .append(v instanceof String ? "\"" + v + "\"" : v));
            Files.writeString(dir.resolve("config.json"), json.append('}').toString());

            LlamaForCausalLM loaded = LlamaForCausalLM.load(dir, manager, DataType.FLOAT32);
            assertEquals(config, loaded.config());
            ParameterStore store = new ParameterStore(manager, false);
            NDArray ids = manager.create(new long[] {1, 5, 9, 47, 3, 0}).reshape(1, 6);
            float[] a = source.forward(store, ids, Optional.empty(), Optional.empty(), false).logits().orElseThrow()
                    .toFloatArray();
            float[] b = loaded.forward(store, ids, Optional.empty(), Optional.empty(), false).logits().orElseThrow()
                    .toFloatArray();
            assertArrayEquals(a, b, 0f);

            tensors.remove("model.norm.weight");
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
            assertThrows(WeightLoadException.class, () -> LlamaForCausalLM.load(dir, manager, DataType.FLOAT32),
                    "strict: a missing tensor fails");
        }
    }

    @Test
    void aSevenBillionParameterConfigFailsBeforeAnythingIsAllocated() throws IOException {
        // Vicuna-7B v1.5's config.json, no weights: the check uses the shapes only.
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 4096, "
                + "\"intermediate_size\": 11008, \"num_hidden_layers\": 32, \"num_attention_heads\": 32, "
                + "\"vocab_size\": 32000, \"rms_norm_eps\": 1e-5}");
        try (NDManager manager = NDManager.newBaseManager()) {
            long budget = 8L << 30;
            dev.perennial.models.io.InsufficientMemoryException e = assertThrows(
                    dev.perennial.models.io.InsufficientMemoryException.class,
                    () -> LlamaForCausalLM.load(dir, manager, DataType.FLOAT32, java.util.OptionalLong.of(budget)));
            long parameters = 6_738_415_616L; // 32000·4096·2 + 32·(4·4096² + 3·4096·11008 + 2·4096) + 4096
            assertEquals(parameters * 4, e.requiredBytes());
            assertEquals(budget, e.availableBytes());
            assertTrue(e.getMessage().contains("6738415616 parameters in float32") && e.getMessage().contains(
                    "load it on a GPU in float16"), e.getMessage());
            assertEquals(0, manager.getManagedArrays().size(), "nothing was allocated");
        }
    }
}
