package dev.perennial.models.pet;

import static dev.perennial.models.nn.GoldenFile.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.llama.LlamaForCausalLM;
import dev.perennial.models.nn.GoldenFile;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraLayersTest {
    private static final LlamaConfig TINY = LlamaConfig.of(64, 32, 64, 2, 4, 2, 1e-6f, 500.0);
    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private LlamaForCausalLM goldenLlama() {
        LlamaForCausalLM llama = new LlamaForCausalLM(TINY);
        llama.initialize(manager, DataType.FLOAT32);
        GoldenFile.load(manager, "llama_tiny.safetensors").copyWeightsInto(llama);
        return llama;
    }

    private NDArray logits(LlamaForCausalLM llama, NDArray ids) {
        return llama.forward(store, ids, Optional.empty(), Optional.empty(), false).logits().orElseThrow();
    }

    private NDArray ids() {
        return GoldenFile.load(manager, "llama_tiny.safetensors").get("input.ids");
    }

    @Test
    void injectsByModuleNameWithPeftNames() {
        LlamaForCausalLM llama = goldenLlama();
        LoraLayers lora = LoraLayers.inject(llama, LoraConfig.of(4, 8f, "q_proj", "v_proj"));
        assertEquals(Set.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"), lora.moduleNames());
        Map<String, Parameter> names = ParameterNames.of(llama);
        assertTrue(names.containsKey("model.layers.0.self_attn.q_proj.weight"), "base weight keeps its name");
        assertEquals(new Shape(4, 32), names.get("model.layers.0.self_attn.q_proj.lora_A.weight").getShape());
        assertEquals(new Shape(16, 4), names.get("model.layers.1.self_attn.v_proj.lora_B.weight").getShape());
        assertTrue(lora.adapterTensors().containsKey(
                "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"));
        assertEquals(2f, lora.config().scaling());
    }

    @Test
    void regexTargetsMatchWholeNames() {
        LlamaForCausalLM llama = goldenLlama();
        LoraLayers lora = LoraLayers.inject(llama, new LoraConfig(
                2, 2f, 0f, List.of(), Optional.of("model\\.layers\\.1\\..*_proj"), false));
        assertEquals(7, lora.moduleNames().size(), "q, k, v, o, gate, up, down of layer 1");
        assertFalse(lora.moduleNames().contains("lm_head"));
    }

    @Test
    void zeroInitialisedBGivesTheBaseOutput() {
        LlamaForCausalLM llama = goldenLlama();
        NDArray before = logits(llama, ids());
        LoraLayers.inject(llama, LoraConfig.llacaDefaults());
        assertClose(before, logits(llama, ids()), 0f, "logits with fresh LoRA");
    }

    @Test
    void peftAdapterFromPyTorchReproducesItsLogits() {
        LlamaForCausalLM llama = goldenLlama();
        LoraLayers lora = LoraLayers.inject(llama, LoraConfig.of(4, 8f, "q_proj", "v_proj"));
        Path adapter = Path.of("src/test/resources/goldens/llama_tiny_lora_adapter.safetensors");
        try {
            lora.load(adapter);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        NDArray expected = GoldenFile.load(manager, "llama_tiny_lora_expected.safetensors").get("output.logits");
        assertClose(expected, logits(llama, ids()), 1e-4f, "LoRA logits");
    }

    @Test
    void mergedAndUnmergedForwardAreEqual() {
        LlamaForCausalLM llama = goldenLlama();
        LoraLayers lora = LoraLayers.inject(llama, LoraConfig.llacaDefaults());
        for (LoraAdapter a : lora.adapters().values()) {
            a.loraB().weight().getArray().addi(manager.randomNormal(0f, 0.01f, a.loraB().weight().getShape(),
                    DataType.FLOAT32));
        }
        NDArray base = GoldenFile.load(manager, "llama_tiny.safetensors").get("model.layers.0.self_attn.q_proj.weight");
        NDArray unmerged = logits(llama, ids());
        lora.merge();
        assertTrue(lora.adapters().values().iterator().next().merged());
        NDArray merged = logits(llama, ids());
        assertClose(unmerged, merged, 1e-4f, "merged vs unmerged");
        lora.unmerge();
        assertClose(unmerged, logits(llama, ids()), 1e-4f, "after unmerge");
        NDArray restored = ParameterNames.of(llama).get("model.layers.0.self_attn.q_proj.weight").getArray();
        assertClose(base, restored, 1e-5f, "base weight restored");
    }

    @Test
    void onlyAdapterTensorsTrainWhenTheBaseIsFrozen() {
        LlamaForCausalLM llama = goldenLlama();
        LoraLayers lora = LoraLayers.inject(llama, LoraConfig.of(4, 8f, "q_proj", "v_proj"));
        ParameterFreezer.trainOnly(llama, lora.parameterNames());
        assertEquals(lora.parameterNames(), ParameterFreezer.trainableNames(llama));
        // A non-zero B so that A receives gradient as well.
        lora.adapters().values().forEach(a -> a.loraB().weight().getArray().addi(0.1f));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = llama.forward(store, ids(), Optional.empty(), Optional.empty(), true)
                    .logits().orElseThrow();
            collector.backward(out.square().mean());
        }
        for (Map.Entry<String, Parameter> e : ParameterNames.of(llama).entrySet()) {
            NDArray value = e.getValue().getArray();
            if (lora.parameterNames().contains(e.getKey())) {
                assertTrue(value.getGradient().abs().sum().getFloat() > 0, e.getKey() + " got no gradient");
            } else {
                assertFalse(value.hasGradient(), e.getKey() + " is frozen but has a gradient");
            }
        }
    }

    @Test
    void saveWritesOnlyAdapterTensorsAndLoadRestoresThem(@TempDir Path dir) throws Exception {
        LlamaForCausalLM llama = goldenLlama();
        LoraLayers lora = LoraLayers.inject(llama, LoraConfig.of(4, 8f, "q_proj", "v_proj"));
        lora.adapters().values().forEach(a -> a.loraB().weight().getArray().addi(0.05f));
        NDArray expected = logits(llama, ids());
        Path file = dir.resolve("adapter_model.safetensors");
        lora.save(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(lora.adapterTensors().keySet(), f.names());
            assertEquals("4", f.metadata().get("r"));
        }
        LlamaForCausalLM fresh = goldenLlama();
        LoraLayers other = LoraLayers.inject(fresh, LoraConfig.of(4, 8f, "q_proj", "v_proj"));
        other.load(file);
        assertClose(expected, logits(fresh, ids()), 0f, "logits after reload");
    }

    @Test
    void mismatchedAdapterFilesAreReportedByName() {
        LlamaForCausalLM llama = goldenLlama();
        LoraLayers lora = LoraLayers.inject(llama, LoraConfig.of(8, 8f, "q_proj", "v_proj"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lora.load(Path.of("src/test/resources/goldens/llama_tiny_lora_adapter.safetensors")));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj.lora_A.weight has shape"), e.getMessage());
        Map<String, NDArray> extra = new HashMap<>(lora.adapterTensors());
        extra.put("base_model.model.lm_head.lora_A.weight", manager.zeros(new Shape(8, 32)));
        e = assertThrows(IllegalArgumentException.class, () -> lora.loadAdapterTensors(extra));
        assertTrue(e.getMessage().contains("unexpected base_model.model.lm_head.lora_A.weight"), e.getMessage());
    }

    @Test
    void badTargetsAreClearErrors() {
        LlamaForCausalLM llama = goldenLlama();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoraLayers.inject(llama, LoraConfig.of(4, 8f, "query")));
        assertTrue(e.getMessage().contains("q_proj"), "lists the linear layers: " + e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LoraLayers.inject(llama, LoraConfig.of(4, 8f, "self_attn")));
        assertTrue(e.getMessage().contains("not"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoraConfig.of(0, 8f, "q_proj"));
        LoraLayers.inject(llama, LoraConfig.of(4, 8f, "q_proj"));
        assertThrows(IllegalArgumentException.class, () -> LoraLayers.inject(llama, LoraConfig.of(4, 8f, "q_proj")));
    }

    @Test
    void removeRestoresTheBaseModel() {
        LlamaForCausalLM llama = goldenLlama();
        NDArray before = logits(llama, ids());
        Set<String> baseNames = ParameterNames.of(llama).keySet();
        LoraLayers lora = LoraLayers.inject(llama, LoraConfig.of(4, 8f, "o_proj"));
        lora.adapters().values().forEach(a -> a.loraB().weight().getArray().addi(0.1f));
        lora.merge();
        lora.remove();
        assertEquals(baseNames, ParameterNames.of(llama).keySet());
        assertClose(before, logits(llama, ids()), 1e-5f, "logits after remove");
    }

    @Test
    void vitQkvCanCarryLora() {
        VisionTransformer vit = new VisionTransformer(VitConfig.of(16, 4, 32, 2, 4, 10));
        vit.initialize(manager, DataType.FLOAT32);
        LoraLayers lora = LoraLayers.inject(vit, LoraConfig.of(4, 4f, "qkv"));
        assertEquals(Set.of("blocks.0.attn.qkv", "blocks.1.attn.qkv"), lora.moduleNames());
        assertNotNull(ParameterNames.of(vit).get("blocks.0.attn.qkv.lora_B.weight"));
        assertNull(ParameterNames.of(vit).get("head.lora_A.weight"));
    }
}
