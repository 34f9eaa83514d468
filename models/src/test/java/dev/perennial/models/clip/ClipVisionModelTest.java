package dev.perennial.models.clip;

import static dev.perennial.models.nn.GoldenFile.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.GoldenFile;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClipVisionModelTest {
    private static final ClipVisionConfig TINY =
            new ClipVisionConfig(16, 4, 3, 32, 64, 3, 4, 1e-5f, ActivationFunction.QUICK_GELU);
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void parameterNamesAreHuggingFaceNames() {
        Map<String, Parameter> names = ParameterNames.of(new ClipVisionModel(TINY));
        for (String n : new String[] {
            "vision_model.embeddings.class_embedding",
            "vision_model.embeddings.patch_embedding.weight",
            "vision_model.embeddings.position_embedding.weight",
            "vision_model.pre_layrnorm.weight",
            "vision_model.encoder.layers.2.self_attn.q_proj.weight",
            "vision_model.encoder.layers.2.self_attn.k_proj.bias",
            "vision_model.encoder.layers.2.self_attn.v_proj.weight",
            "vision_model.encoder.layers.2.self_attn.out_proj.weight",
            "vision_model.encoder.layers.0.layer_norm1.weight",
            "vision_model.encoder.layers.0.layer_norm2.bias",
            "vision_model.encoder.layers.0.mlp.fc1.weight",
            "vision_model.encoder.layers.0.mlp.fc2.weight",
            "vision_model.post_layernorm.bias"
        }) {
            assertTrue(names.containsKey(n), n);
        }
        assertTrue(!names.containsKey("vision_model.embeddings.patch_embedding.bias"), "CLIP patches have no bias");
    }

    @Test
    void llavaTowerHasTheParameterCountOfClipVitL14At336() {
        // openai/clip-vit-large-patch14-336 CLIPVisionModel (tools/goldens/transformer_goldens.py --counts).
        long count = ParameterNames.of(new ClipVisionModel(ClipVisionConfig.vitLarge14At336())).values().stream()
                .mapToLong(p -> p.getShape().size())
                .sum();
        assertEquals(303_507_456L, count);
    }

    @Test
    void forwardMatchesPyTorchGolden() {
        GoldenFile golden = GoldenFile.load(manager, "clip_vision_tiny.safetensors");
        ClipVisionModel clip = new ClipVisionModel(TINY);
        clip.initialize(manager, DataType.FLOAT32);
        golden.copyWeightsInto(clip);
        ClipVisionOutput out = clip.forwardAll(new ParameterStore(manager, false), golden.get("input.images"), false);
        assertClose(golden.get("output.last_hidden_state"), out.lastHiddenState(), 1e-4f, "last_hidden_state");
        assertClose(golden.get("output.pooler_output"), out.pooledOutput(), 1e-4f, "pooler_output");
        assertEquals(4, out.hiddenStates().size(), "embeddings + one per layer");
        for (int i = 0; i < 4; i++) {
            assertClose(golden.get("output.hidden." + i), out.hiddenStates().get(i), 1e-4f, "hidden " + i);
        }
        NDList viaDjl = clip.forward(new ParameterStore(manager, false), new NDList(golden.get("input.images")), false);
        assertClose(golden.get("output.pooler_output"), viaDjl.get(1), 1e-4f, "DJL entry point");
    }

    @Test
    void llavaSelectsThePenultimateLayerWithoutTheClassToken() {
        ClipVisionModel clip = new ClipVisionModel(TINY);
        clip.initialize(manager, DataType.FLOAT32);
        ClipVisionOutput out =
                clip.forwardAll(new ParameterStore(manager, false), manager.ones(new Shape(2, 3, 16, 16)), false);
        NDArray features = out.selectFeature(-2, true);
        assertEquals(new Shape(2, 16, 32), features.getShape());
        assertClose(out.hiddenStates().get(2).get(":, 1:, :"), features, 0f, "penultimate");
        assertThrows(IndexOutOfBoundsException.class, () -> out.selectFeature(-5, true));
    }

    @Test
    void badConfigAndInputAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClipVisionConfig(16, 4, 3, 30, 64, 3, 4, 1e-5f, ActivationFunction.QUICK_GELU));
        assertTrue(e.getMessage().contains("num_attention_heads"), e.getMessage());
        ClipVisionModel clip = new ClipVisionModel(TINY);
        clip.initialize(manager, DataType.FLOAT32);
        assertThrows(IllegalArgumentException.class,
                () -> clip.forwardAll(new ParameterStore(manager, false), manager.ones(new Shape(2, 1, 16, 16)), false));
    }
}
