package dev.perennial.models.llama;

import static dev.perennial.models.nn.GoldenFile.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.nn.GoldenFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlamaForCausalLMTest {
    /** The golden's config: GQA with 4 query and 2 key/value heads, θ = 500. */
    static final LlamaConfig TINY = LlamaConfig.of(64, 32, 64, 2, 4, 2, 1e-6f, 500.0);
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private LlamaForCausalLM loaded() {
        LlamaForCausalLM llama = new LlamaForCausalLM(TINY);
        llama.initialize(manager, DataType.FLOAT32);
        GoldenFile.load(manager, "llama_tiny.safetensors").copyWeightsInto(llama);
        return llama;
    }

    @Test
    void parameterNamesAreHuggingFaceNames() {
        Map<String, Parameter> names = ParameterNames.of(new LlamaForCausalLM(TINY));
        for (String n : new String[] {
            "model.embed_tokens.weight",
            "model.layers.1.self_attn.q_proj.weight",
            "model.layers.1.self_attn.k_proj.weight",
            "model.layers.1.self_attn.v_proj.weight",
            "model.layers.1.self_attn.o_proj.weight",
            "model.layers.0.mlp.gate_proj.weight",
            "model.layers.0.mlp.up_proj.weight",
            "model.layers.0.mlp.down_proj.weight",
            "model.layers.0.input_layernorm.weight",
            "model.layers.0.post_attention_layernorm.weight",
            "model.norm.weight",
            "lm_head.weight"
        }) {
            assertTrue(names.containsKey(n), n);
        }
        assertEquals(new Shape(16, 32), names.get("model.layers.0.self_attn.k_proj.weight").getShape(), "GQA");
    }

    @Test
    void llama2x7bHasItsParameterCount() {
        long count = ParameterNames.of(new LlamaForCausalLM(LlamaConfig.llama2x7b())).values().stream()
                .mapToLong(p -> p.getShape().size())
                .sum();
        assertEquals(6_738_415_616L, count);
    }

    @Test
    void forwardMatchesPyTorchGolden() {
        GoldenFile golden = GoldenFile.load(manager, "llama_tiny.safetensors");
        LlamaForCausalLM llama = loaded();
        LlamaOutput out = llama.forward(
                new ParameterStore(manager, false), golden.get("input.ids"), Optional.empty(), Optional.empty(), false);
        assertClose(golden.get("output.logits"), out.logits().orElseThrow(), 1e-4f, "logits");
        assertEquals(3, out.hiddenStates().size());
        for (int i = 0; i < 3; i++) {
            assertClose(golden.get("output.hidden." + i), out.hiddenStates().get(i), 1e-4f, "hidden " + i);
        }
    }

    @Test
    void float16ForwardWithLeftPaddingFollowsFloat32() {
        GoldenFile golden = GoldenFile.load(manager, "llama_tiny.safetensors");
        NDArray ids = golden.get("input.ids"); // (2, 7)
        // Left padding on the second row: its first two keys are hidden, so the padded query rows are fully masked
        // except for themselves (a -1e9 float32 mask would overflow float16 to -inf).
        NDArray keep = manager.create(new long[][] {{1, 1, 1, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 1, 1}});
        LlamaForCausalLM full = loaded();
        NDArray expected = full.forward(new ParameterStore(manager, false), ids, Optional.of(keep), Optional.empty(),
                false).logits().orElseThrow();
        LlamaForCausalLM half = new LlamaForCausalLM(TINY);
        half.initialize(manager, DataType.FLOAT16);
        Map<String, Parameter> target = ParameterNames.of(half);
        ParameterNames.of(full).forEach((name, p) ->
                target.get(name).getArray().set(p.getArray().toType(DataType.FLOAT16, false).toByteBuffer()));
        NDArray logits = half.forward(new ParameterStore(manager, false), ids, Optional.of(keep), Optional.empty(),
                false).logits().orElseThrow();
        assertEquals(DataType.FLOAT16, logits.getDataType());
        NDArray widened = logits.toType(DataType.FLOAT32, false);
        assertFalse(widened.isNaN().any().getBoolean() || widened.isInfinite().any().getBoolean(), "finite logits");
        // Only real tokens are compared: a padded query sees no real key, and which masked keys it then averages
        // differs between a -1e9 float32 mask and a clamped float16 one (HF leaves those rows undefined too).
        assertClose(expected.get("0"), widened.get("0"), 2e-2f, "float16 logits, unpadded row");
        assertClose(expected.get("1, 2:"), widened.get("1, 2:"), 2e-2f, "float16 logits, real tokens of padded row");
    }

    @Test
    void incrementalDecodingWithTheKvCacheEqualsTheFullForward() {
        GoldenFile golden = GoldenFile.load(manager, "llama_tiny.safetensors");
        LlamaForCausalLM llama = loaded();
        NDArray ids = golden.get("input.ids"); // (2, 7)
        ParameterStore store = new ParameterStore(manager, false);
        try (KvCache cache = llama.newCache(manager)) {
            List<NDArray> steps = new ArrayList<>();
            // A 3-token prompt, then one token at a time.
            try (NDManager step = manager.newSubManager()) {
                NDArray prompt = ids.get(new NDIndex(":, :3"));
                NDArray logits = llama.forward(store, prompt, Optional.empty(), Optional.of(cache), false)
                        .logits().orElseThrow();
                logits.attach(manager);
                steps.add(logits);
            }
            for (int t = 3; t < 7; t++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray token = ids.get(new NDIndex(":, " + t + ":" + (t + 1)));
                    token.attach(step);
                    NDArray logits = llama.forward(store, token, Optional.empty(), Optional.of(cache), false)
                            .logits().orElseThrow();
                    logits.attach(manager);
                    steps.add(logits);
                }
                assertEquals(t + 1, cache.length());
                assertEquals(2 * TINY.numHiddenLayers(), cache.manager().getManagedArrays().size(),
                        "only the grown keys and values live in the cache's manager");
            }
            NDArray incremental = steps.stream().reduce((a, b) -> a.concat(b, 1)).orElseThrow();
            assertClose(golden.get("output.logits"), incremental, 1e-4f, "incremental logits");
        }
    }

    @Test
    void inputEmbeddingsGiveTheSameLogitsAsIds() {
        GoldenFile golden = GoldenFile.load(manager, "llama_tiny.safetensors");
        LlamaForCausalLM llama = loaded();
        ParameterStore store = new ParameterStore(manager, false);
        NDArray embeds = llama.embed(store, golden.get("input.ids"), false);
        NDArray logits = llama.forwardEmbeddings(store, embeds, Optional.empty(), Optional.empty(), false)
                .logits().orElseThrow();
        assertClose(golden.get("output.logits"), logits, 1e-4f, "logits from inputs_embeds");
        NDList viaDjl = llama.forward(store, new NDList(golden.get("input.ids")), false);
        assertClose(golden.get("output.logits"), viaDjl.singletonOrThrow(), 1e-4f, "DJL entry point");
    }

    @Test
    void leftPaddingIsMaskedOut() {
        // RoPE scores depend only on position differences, so shifting a sequence right behind masked padding
        // must leave its logits unchanged.
        GoldenFile golden = GoldenFile.load(manager, "llama_tiny.safetensors");
        LlamaForCausalLM llama = loaded();
        ParameterStore store = new ParameterStore(manager, false);
        NDArray ids = golden.get("input.ids");
        NDArray padded = manager.zeros(new Shape(2, 3), DataType.INT64).concat(ids, 1);
        NDArray mask = manager.zeros(new Shape(2, 3), DataType.INT64).concat(manager.ones(new Shape(2, 7), DataType.INT64), 1);
        NDArray logits = llama.forward(store, padded, Optional.of(mask), Optional.empty(), false)
                .logits().orElseThrow();
        assertClose(golden.get("output.logits"), logits.get(new NDIndex(":, 3:, :")), 1e-4f, "padded logits");
    }

    @Test
    void causalMaskHidesTheFuture() {
        LlamaForCausalLM llama = loaded();
        ParameterStore store = new ParameterStore(manager, false);
        NDArray ids = manager.create(new long[] {1, 2, 3, 4, 5}).reshape(1, 5);
        NDArray changed = manager.create(new long[] {1, 2, 3, 9, 9}).reshape(1, 5);
        NDArray a = llama.forward(store, ids, Optional.empty(), Optional.empty(), false).logits().orElseThrow();
        NDArray b = llama.forward(store, changed, Optional.empty(), Optional.empty(), false).logits().orElseThrow();
        assertClose(a.get(":, :3, :"), b.get(":, :3, :"), 0f, "prefix logits");
        assertFalse(a.get(":, 3:, :").contentEquals(b.get(":, 3:, :")));
    }

    @Test
    void tiedEmbeddingsHaveNoHeadParameter() {
        LlamaConfig tied = new LlamaConfig(64, 32, 64, 1, 4, 4, 1e-6f, 10000.0, false, false, true);
        LlamaForCausalLM llama = new LlamaForCausalLM(tied);
        assertFalse(ParameterNames.of(llama).containsKey("lm_head.weight"));
        llama.initialize(manager, DataType.FLOAT32);
        NDArray logits = llama.forward(new ParameterStore(manager, false), manager.create(new long[] {1, 2}).reshape(1, 2),
                Optional.empty(), Optional.empty(), false).logits().orElseThrow();
        assertEquals(new Shape(1, 2, 64), logits.getShape());
    }

    @Test
    void badInputsAreClearErrors() {
        LlamaForCausalLM llama = loaded();
        ParameterStore store = new ParameterStore(manager, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> llama.forward(
                store, manager.create(new long[] {1, 64}).reshape(1, 2), Optional.empty(), Optional.empty(), false));
        assertTrue(e.getMessage().contains("[0, 64)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> llama.forward(store,
                manager.create(new long[] {1, 2}).reshape(1, 2), Optional.of(manager.ones(new Shape(1, 3))),
                Optional.empty(), false));
        assertThrows(IllegalArgumentException.class, () -> LlamaConfig.of(64, 32, 64, 1, 4, 3, 1e-6f, 1e4));
    }
}
