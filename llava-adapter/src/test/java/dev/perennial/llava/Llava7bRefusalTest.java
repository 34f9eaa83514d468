package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.perennial.models.io.MemoryBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 5: a real LLaVA-1.5-7B on the CPU is refused from its config alone. The directory holds only
 * {@code llava-hf/llava-1.5-7b-hf}'s {@code config.json}, no weights and no tokenizer, so a loader that opened the
 * tokenizer, allocated the model or read a tensor before checking would fail with another exception.
 */
class Llava7bRefusalTest {
    /** 7,063,427,072 parameters (see LlavaCheckpointTest) in float32. */
    private static final long FLOAT32_BYTES = 7_063_427_072L * 4;

    @TempDir
    Path dir;

    @BeforeEach
    void writeTheRealConfigOnly() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"LlavaForConditionalGeneration\"],"
                + "\"ignore_index\":-100,\"image_token_index\":32000,\"model_type\":\"llava\",\"pad_token_id\":32001,"
                + "\"projector_hidden_act\":\"gelu\",\"text_config\":{\"_name_or_path\":\"lmsys/vicuna-7b-v1.5\","
                + "\"architectures\":[\"LlamaForCausalLM\"],\"max_position_embeddings\":4096,\"model_type\":\"llama\","
                + "\"rms_norm_eps\":1e-05,\"torch_dtype\":\"float16\",\"vocab_size\":32064},"
                + "\"tie_word_embeddings\":false,\"torch_dtype\":\"float16\",\"transformers_version\":\"4.36.0.dev0\","
                + "\"vision_config\":{\"hidden_size\":1024,\"image_size\":336,\"intermediate_size\":4096,"
                + "\"model_type\":\"clip_vision_model\",\"num_attention_heads\":16,\"num_hidden_layers\":24,"
                + "\"patch_size\":14,\"projection_dim\":768,\"vocab_size\":32000},\"vision_feature_layer\":-2,"
                + "\"vision_feature_select_strategy\":\"default\",\"vocab_size\":32064}");
    }

    @Test
    void refusedWithTheBytesNeededBeforeAnythingIsAllocatedOrRead() {
        long budget = 16L << 30;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                    () -> LlavaCheckpoint.load(dir, LoadOptions.strict(manager).withMemoryBudget(budget)));
            assertEquals(FLOAT32_BYTES, e.requiredBytes());
            assertEquals(budget, e.availableBytes());
            assertTrue(e.getMessage().contains("7063427072 parameters in float32")
                    && e.getMessage().contains(dir.toString())
                    && e.getMessage().contains("load it on a GPU in float16"), e.getMessage());
            assertEquals(0, manager.getManagedArrays().size(), "nothing was allocated");
        }
    }

    @Test
    void theDefaultBudgetOnTheCpuIsTheMemoryAvailable() {
        OptionalLong available = MemoryBudget.availablePhysicalMemory();
        assumeTrue(available.isPresent() && available.getAsLong() < FLOAT32_BYTES,
                "this machine has 26.3 GiB available: the default budget would not refuse");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                    () -> LlavaCheckpoint.load(dir, LoadOptions.strict(manager)));
            assertEquals(FLOAT32_BYTES, e.requiredBytes());
            assertTrue(e.availableBytes() < FLOAT32_BYTES, e.getMessage());
            assertEquals(0, manager.getManagedArrays().size(), "nothing was allocated");
        }
    }
}
