package dev.perennial.models.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link VisionTransformer#forwardPrompted}: prompt-tuning at the input and prefix-tuning per block (prompts.md P5, P6). */
class PromptedForwardTest {
    private static final VitConfig TINY = VitConfig.of(16, 4, 32, 3, 4, 0);
    private NDManager manager;
    private VisionTransformer vit;
    private ParameterStore store;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(3);
        vit = new VisionTransformer(TINY);
        vit.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 16, 16));
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray images() {
        return manager.randomUniform(0f, 1f, new Shape(2, 3, 16, 16));
    }

    @Test
    void withoutPromptsItIsThePlainForward() {
        NDArray x = images();
        NDArray plain = vit.forwardAll(store, x, false).tokens();
        PromptedVitOutput out = vit.forwardPrompted(store, x, false, PromptInjection.prefixes(Map.of()));
        assertArrayEquals(plain.toFloatArray(), out.tokens().toFloatArray(), 0f);
        assertArrayEquals(vit.forwardAll(store, x, false).pooled().toFloatArray(), out.classToken().toFloatArray(),
                0f);
    }

    @Test
    void prependedPromptsGrowTheSequenceAndTheirMeanIsThePromptFeature() {
        NDArray x = images();
        NDArray prompts = manager.randomNormal(new Shape(2, 3, 32));
        PromptedVitOutput out = vit.forwardPrompted(store, x, false, PromptInjection.prepended(prompts));
        assertEquals(new Shape(2, 3 + 1 + 16, 32), out.tokens().getShape());
        NDArray manual = out.tokens().get(new NDIndex(":, 0:3, :")).mean(new int[] {1});
        assertArrayEquals(manual.toFloatArray(), out.promptMean().toFloatArray(), 0f);
        // The prompts attend with the sequence, so the class token moves.
        float diff = out.classToken().sub(vit.forwardAll(store, x, false).pooled()).abs().max().getFloat();
        assertTrue(diff > 1e-4f, "prompts change the class token, diff " + diff);
    }

    @Test
    void aPrefixChangesOnlyItsBlockAndKeepsTheLength() {
        NDArray x = images();
        VitPrefix prefix = new VitPrefix(manager.randomNormal(new Shape(2, 5, 32)),
                manager.randomNormal(new Shape(2, 5, 32)));
        PromptedVitOutput out = vit.forwardPrompted(store, x, false, PromptInjection.prefixes(Map.of(1, prefix)));
        assertEquals(new Shape(2, 17, 32), out.tokens().getShape());
        // Manual composition: block 0 plain, block 1 with the prefix, block 2 plain.
        List<NDArray> hidden = vit.forwardAll(store, x, false).hiddenStates();
        List<VitBlock> blocks = vit.blocks();
        NDArray h1 = blocks.get(1).forward(store, hidden.get(1), false, prefix);
        NDArray h2 = blocks.get(2).forward(store, h1, false);
        NDArray plainBlock1 = hidden.get(2);
        assertTrue(h1.sub(plainBlock1).abs().max().getFloat() > 1e-4f, "the prefix changes block 1");
        ParameterStore s = store;
        ai.djl.nn.Block norm = vit.getChildren().stream().filter(p -> p.getKey().endsWith("norm")).findFirst()
                .orElseThrow().getValue();
        NDArray manual = norm.forward(s,
                new ai.djl.ndarray.NDList(h2), false).singletonOrThrow();
        assertArrayEquals(manual.toFloatArray(), out.tokens().toFloatArray(), 1e-6f);
    }

    @Test
    void prefixAttentionMatchesSoftmaxOverConcatenatedKeysAndValues() {
        VitAttention attn = vit.blocks().get(0).attn();
        NDArray x = manager.randomNormal(new Shape(2, 6, 32));
        NDArray pk = manager.randomNormal(new Shape(2, 2, 32));
        NDArray pv = manager.randomNormal(new Shape(2, 2, 32));
        NDArray got = attn.forward(store, x, false, new VitPrefix(pk, pv));
        // Reference: q, k, v = x·W_qkvᵀ + b; per head softmax(q [pk; k]ᵀ/√d) [pv; v]; then proj.
        NDArray w = attn.qkv().getParameters().get("weight").getArray();
        NDArray b = attn.qkv().getParameters().get("bias").getArray();
        NDArray y = x.matMul(w.transpose()).add(b);
        NDArray q = y.get(new NDIndex(":, :, 0:32"));
        NDArray k = pk.concat(y.get(new NDIndex(":, :, 32:64")), 1);
        NDArray v = pv.concat(y.get(new NDIndex(":, :, 64:96")), 1);
        NDArray heads = null;
        for (int h = 0; h < 4; h++) {
            NDIndex cols = new NDIndex(":, :, " + (8 * h) + ":" + (8 * h + 8));
            NDArray a = q.get(cols).matMul(k.get(cols).transpose(0, 2, 1)).div(Math.sqrt(8)).softmax(-1);
            NDArray o = a.matMul(v.get(cols));
            heads = heads == null ? o : heads.concat(o, 2);
        }
        NDArray pw = attn.proj().getParameters().get("weight").getArray();
        NDArray pb = attn.proj().getParameters().get("bias").getArray();
        NDArray expected = heads.matMul(pw.transpose()).add(pb);
        assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), 1e-5f);
    }

    @Test
    void badPrefixLayerIsRejectedWithTheValidRange() {
        VitPrefix prefix = new VitPrefix(manager.zeros(new Shape(2, 1, 32)), manager.zeros(new Shape(2, 1, 32)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vit.forwardPrompted(store,
                images(), false, PromptInjection.prefixes(Map.of(3, prefix))));
        assertTrue(e.getMessage().contains("0..2"), e.getMessage());
    }
}
