package dev.perennial.benchmarks.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.llava.LlavaConfig;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.pet.LoraConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The counts behind docs/llava-memory.md, checked against closed forms of LLaVA-1.5-7B's shapes. */
class LlavaMemoryTableTest {
    private static final LoraConfig R128 = LoraConfig.llacaDefaults();

    @Test
    void llava15x7bParametersAndLoraR128OnTheSevenDecoderLinears() {
        LlavaMemoryTable.Counts c = LlavaMemoryTable.count(LlavaConfig.llava15x7b(), R128);
        assertEquals(7_063_427_072L, c.total());
        assertEquals(c.total(), c.visionTower() + c.projector() + c.languageModel());
        // 1024·4096 + 4096 + 4096·4096 + 4096
        assertEquals(20_979_712L, c.projector());
        // Vicuna-7B with 32064 rows: 2·32064·4096 + 32·(4·4096² + 3·4096·11008 + 2·4096) + 4096
        assertEquals(2L * 32064 * 4096 + 32L * (4L * 4096 * 4096 + 3L * 4096 * 11008 + 2 * 4096) + 4096,
                c.languageModel());
        assertEquals(32 * 7, c.loraModules());
        long d = 4096;
        long f = 11008;
        assertEquals(32L * 128 * (4 * (d + d) + 2 * (d + f) + (f + d)), c.lora());
        assertEquals(319_815_680L, c.lora());
    }

    @Test
    void loraCountFollowsTheTargetModules() {
        LoraConfig attentionOnly = new LoraConfig(16, 32f, 0f, List.of("q_proj", "v_proj"), Optional.empty(), false);
        LlavaMemoryTable.Counts c = LlavaMemoryTable.count(LlavaConfig.llava15x7b(), attentionOnly);
        assertEquals(64, c.loraModules());
        assertEquals(32L * 2 * 16 * (4096 + 4096), c.lora());
    }

    @Test
    void layerActivationsAreTheTensorsTheBackwardPassKeeps() {
        LlamaConfig text = LlamaConfig.of(100, 8, 20, 2, 2, 2, 1e-5f, 10000.0);
        // 4 norm inputs/outputs + q, k, v + attention output (8d); gate, SiLU, up, product (4f); 7 LoRA A outputs;
        // heads × sequence probabilities.
        assertEquals(8 * 8 + 4 * 20 + 7 * 4 + 2 * 10,
                LlavaMemoryTable.layerActivationsPerToken(text, 4, 10, false)[0]);
        long[] dropout = LlavaMemoryTable.layerActivationsPerToken(text, 4, 10, true);
        assertEquals(8 * 8 + 4 * 20 + 7 * 4 + 2 * 10 + 6 * 8 + 20, dropout[0]);
        assertEquals(6 * 8 + 20, dropout[1]);
    }

    @Test
    void checkpointingKeepsLayerInputsPlusOneLayer() {
        LlavaConfig config = LlavaConfig.of(LlamaConfig.of(100, 8, 20, 3, 2, 2, 1e-5f, 10000.0),
                new ClipVisionConfig(16, 8, 3, 8, 16, 1, 2, 1e-5f, ActivationFunction.QUICK_GELU), 3);
        int s = 10;
        long layer = LlavaMemoryTable.layerActivationsPerToken(config.text(), 4, s, false)[0];
        long head = 100 + 8;
        long projector = 4L * (8 + 2 * 8);
        assertEquals(2 * (s * (3 * layer + head) + projector),
                LlavaMemoryTable.activationBytes(config, 4, s, 4, 2, false, false));
        assertEquals(2 * (s * (3 * 8 + layer + head) + projector),
                LlavaMemoryTable.activationBytes(config, 4, s, 4, 2, false, true));
        assertTrue(LlavaMemoryTable.activationBytes(LlavaConfig.llava15x7b(), 128, 640, 576, 2, false, true)
                < LlavaMemoryTable.activationBytes(LlavaConfig.llava15x7b(), 128, 640, 576, 2, false, false) / 5);
    }
}
