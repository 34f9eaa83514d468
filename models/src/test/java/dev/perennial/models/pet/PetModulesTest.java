package dev.perennial.models.pet;

import static dev.perennial.models.nn.GoldenFile.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PetModulesTest {
    private static final VitConfig TINY = VitConfig.of(16, 4, 32, 2, 4, 10);
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

    private VisionTransformer built(VitConfig config) {
        VisionTransformer vit = new VisionTransformer(config);
        vit.initialize(manager, DataType.FLOAT32);
        return vit;
    }

    /** Copies every parameter the plain model has into the PET model (same names). */
    private static void copyShared(VisionTransformer from, VisionTransformer to) {
        Map<String, Parameter> target = ParameterNames.of(to);
        ParameterNames.of(from).forEach((name, p) -> p.getArray().copyTo(target.get(name).getArray()));
    }

    @Test
    void adapterWithZeroUpProjectionIsTheIdentity() {
        VisionTransformer plain = built(TINY);
        VisionTransformer adapted = built(TINY.withAdapter(AdapterConfig.safeDefaults()));
        copyShared(plain, adapted);
        NDArray images = manager.randomNormal(new Shape(2, 3, 16, 16));
        // Training mode too: dropout inside the adapter must not matter when up = 0.
        for (boolean training : new boolean[] {false, true}) {
            assertClose(plain.forwardAll(store, images, false).logits().orElseThrow(),
                    adapted.forwardAll(store, images, training).logits().orElseThrow(), 0f,
                    "logits, training=" + training);
        }
        Map<String, Parameter> names = ParameterNames.of(adapted);
        assertEquals(new Shape(64, 32), names.get("blocks.0.adaptmlp.down_proj.weight").getShape());
        assertEquals(new Shape(32, 64), names.get("blocks.1.adaptmlp.up_proj.weight").getShape());
    }

    @Test
    void adapterOutputIsScaledBottleneck() {
        AdaptFormerAdapter adapter = new AdaptFormerAdapter(4, new AdapterConfig(2, 0.1f, 0f));
        adapter.initialize(manager, DataType.FLOAT32);
        adapter.down().weight().getArray().set(new float[] {1, 0, 0, 0, 0, -1, 0, 0});
        adapter.up().weight().getArray().set(new float[] {1, 1, 2, 0, 0, 0, 0, 3});
        NDArray h = manager.create(new float[] {2, 3, 0, 0}).reshape(1, 4);
        // down(h) = [2, -3] → ReLU [2, 0] → up = [2, 4, 0, 0] → × 0.1
        assertClose(manager.create(new float[] {0.2f, 0.4f, 0f, 0f}).reshape(1, 4),
                adapter.forward(store, h, false), 1e-6f, "adapter");
    }

    @Test
    void ssfWithScaleOneShiftZeroIsTheIdentity() {
        VisionTransformer plain = built(TINY);
        VisionTransformer ssf = built(TINY.withSsf(true));
        copyShared(plain, ssf);
        Map<String, Parameter> names = ParameterNames.of(ssf);
        int pairs = 0;
        for (Map.Entry<String, Parameter> e : names.entrySet()) {
            if (e.getKey().contains("ssf_scale_")) {
                e.getValue().getArray().set(manager.ones(e.getValue().getShape()).toFloatArray());
                pairs++;
            } else if (e.getKey().contains("ssf_shift_")) {
                e.getValue().getArray().set(manager.zeros(e.getValue().getShape()).toFloatArray());
            }
        }
        // patch_embed + final norm + per block (norm1, norm2, qkv, proj, fc1, fc2): 2 + 6 × 2 blocks.
        assertEquals(14, pairs);
        NDArray images = manager.randomNormal(new Shape(2, 3, 16, 16));
        assertClose(plain.forwardAll(store, images, false).logits().orElseThrow(),
                ssf.forwardAll(store, images, false).logits().orElseThrow(), 1e-6f, "logits");
        assertTrue(names.containsKey("blocks.0.attn.ssf_scale_1"));
        assertEquals(new Shape(96), names.get("blocks.0.attn.ssf_scale_1").getShape(), "after qkv: 3D");
        assertEquals(new Shape(128), names.get("blocks.1.mlp.ssf_shift_1").getShape(), "after fc1: hidden");
        assertTrue(names.containsKey("patch_embed.ssf_scale_1"));
        assertTrue(names.containsKey("ssf_shift_1"));
    }

    @Test
    void ssfInitialisationIsNearOneAndZero() {
        VisionTransformer ssf = built(TINY.withSsf(true));
        NDArray scale = ParameterNames.of(ssf).get("blocks.0.ssf_scale_1").getArray();
        NDArray shift = ParameterNames.of(ssf).get("blocks.0.ssf_shift_1").getArray();
        assertTrue(scale.sub(1f).abs().max().getFloat() < 0.2f);
        assertTrue(shift.abs().max().getFloat() < 0.2f);
        assertTrue(scale.sub(1f).abs().sum().getFloat() > 0, "random, not constant");
    }

    @Test
    void safeSsfFreezingTrainsOnlyHeadAndScaleShift() {
        VisionTransformer ssf = built(TINY.withSsf(true));
        // SAFE's rule for SSF (safe.md §3.1): names containing head., ssf_scale, ssf_shift_.
        Set<String> trainable = ParameterFreezer.trainOnlyMatching(ssf, "head\\.", "ssf_scale", "ssf_shift_");
        assertEquals(trainable, ParameterFreezer.trainableNames(ssf));
        assertEquals(14 * 2 + 2, trainable.size());
        assertTrue(trainable.contains("head.weight"));
        assertTrue(!trainable.contains("blocks.0.attn.qkv.weight"));
        assertThrows(IllegalArgumentException.class, () -> ParameterFreezer.trainOnlyMatching(ssf, "nothing_here"));
    }

    @Test
    void vptPromptsAreTheOnlyNewParameterAndFreezeByName() {
        VisionTransformer vpt = built(TINY.withPrompts(PromptConfig.deep(5)));
        Set<String> frozen = ParameterFreezer.freezeMatching(vpt, "^blocks\\.", "^patch_embed\\.", "^cls_token$",
                "^pos_embed$", "^norm\\.");
        assertTrue(frozen.contains("blocks.0.attn.qkv.weight"));
        assertEquals(Set.of("Prompt_Tokens", "head.weight", "head.bias"), ParameterFreezer.trainableNames(vpt));
        assertTrue(vpt.promptTokens().orElseThrow().getArray().abs().sum().getFloat() == 0f, "code default: zeros");
    }
}
