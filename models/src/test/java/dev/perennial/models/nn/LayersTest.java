package dev.perennial.models.nn;

import static dev.perennial.models.nn.GoldenFile.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LayersTest {
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

    @Test
    void causalMaskFromArangeEqualsTheLowerTriangularReference() {
        // djl-notes J11, with and without cached positions.
        for (int offset : new int[] {0, 3}) {
            int s = 4;
            float[] expected = new float[s * (offset + s)];
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < offset + s; j++) {
                    expected[i * (offset + s) + j] = j <= offset + i ? 0f : CausalMask.NEGATIVE;
                }
            }
            NDArray mask = CausalMask.causal(manager, s, offset);
            assertEquals(new Shape(s, offset + s), mask.getShape());
            assertClose(manager.create(expected, new Shape(s, offset + s)), mask, 0f, "mask offset " + offset);
        }
    }

    @Test
    void maskedKeysGetZeroAttention() {
        NDArray q = manager.randomNormal(new Shape(1, 1, 3, 4));
        NDArray k = manager.randomNormal(new Shape(1, 1, 3, 4));
        NDArray v = manager.create(new float[] {1, 1, 1, 1, 10, 10, 10, 10, 100, 100, 100, 100}).reshape(1, 1, 3, 4);
        NDArray out = MultiHeadAttention.attend(q, k, v, CausalMask.causal(manager, 3, 0), 0f, false);
        assertClose(manager.ones(new Shape(4)), out.get("0, 0, 0, :"), 1e-6f, "first query sees only the first key");
    }

    @Test
    void rmsNormMatchesItsEquation() {
        RmsNorm norm = new RmsNorm(4, 1e-6f);
        norm.initialize(manager, DataType.FLOAT32);
        norm.weight().getArray().set(new float[] {1, 2, 3, 4});
        NDArray x = manager.create(new float[] {1, -1, 2, -2}).reshape(1, 4);
        float rms = (float) Math.sqrt((1 + 1 + 4 + 4) / 4.0 + 1e-6);
        NDArray expected = manager.create(new float[] {1 / rms, -2 / rms, 6 / rms, -8 / rms}).reshape(1, 4);
        assertClose(expected, norm.forward(store, x, false), 1e-6f, "rms norm");
    }

    @Test
    void ropeScoresDependOnlyOnRelativePosition() {
        RotaryEmbedding rope = new RotaryEmbedding(8, 10000.0);
        NDArray q = manager.randomNormal(new Shape(1, 1, 1, 8));
        NDArray k = manager.randomNormal(new Shape(1, 1, 1, 8));
        float[] scores = new float[2];
        int i = 0;
        for (long base : new long[] {2, 7}) {
            NDList qa = rope.cosSin(manager, base + 3, 1);
            NDList ka = rope.cosSin(manager, base, 1);
            scores[i++] = rope.apply(q, qa.get(0), qa.get(1)).mul(rope.apply(k, ka.get(0), ka.get(1))).sum()
                    .getFloat();
        }
        assertEquals(scores[0], scores[1], 1e-4f);
        NDList at0 = rope.cosSin(manager, 0, 1);
        assertClose(q, rope.apply(q, at0.get(0), at0.get(1)), 1e-7f, "position 0 is the identity");
        NDList at5 = rope.cosSin(manager, 5, 1);
        assertEquals(q.norm().getFloat(), rope.apply(q, at5.get(0), at5.get(1)).norm().getFloat(), 1e-5f,
                "rotation preserves the norm");
        assertThrows(IllegalArgumentException.class, () -> new RotaryEmbedding(7, 10000.0));
    }

    @Test
    void quickGeluIsXTimesSigmoidOf1702X() {
        NDArray x = manager.create(new float[] {-2f, 0f, 1.5f});
        float[] out = ActivationFunction.QUICK_GELU.apply(x).toFloatArray();
        for (int i = 0; i < 3; i++) {
            double v = x.toFloatArray()[i];
            assertEquals(v / (1 + Math.exp(-1.702 * v)), out[i], 1e-6);
        }
    }

    @Test
    void groupedQueryHeadsReadTheirKeyValueGroup() {
        NDArray kv = manager.arange(0f, 2f).reshape(1, 2, 1, 1);
        NDArray repeated = MultiHeadAttention.repeatKeyValueHeads(kv, 3);
        assertClose(manager.create(new float[] {0, 0, 0, 1, 1, 1}).reshape(1, 6, 1, 1), repeated, 0f, "repeat_kv");
    }

    @Test
    void linearCarriesAndDropsAnAdapter() {
        Linear linear = new Linear(3, 2, true);
        linear.initialize(manager, DataType.FLOAT32);
        NDArray x = manager.randomNormal(new Shape(5, 3));
        NDArray base = linear.forward(store, x, false);
        Linear extra = new Linear(3, 2, false);
        extra.initialize(manager, DataType.FLOAT32);
        linear.attachAdapter(new LinearAdapter() {
            @Override
            public ai.djl.util.PairList<String, ai.djl.nn.Block> blocks() {
                ai.djl.util.PairList<String, ai.djl.nn.Block> out = new ai.djl.util.PairList<>();
                out.add("extra", extra);
                return out;
            }

            @Override
            public NDArray apply(ParameterStore s, NDArray input, NDArray baseOutput, boolean training) {
                return baseOutput.add(extra.forward(s, input, training));
            }
        });
        assertEquals(List.of("weight", "bias", "extra.weight"), List.copyOf(ParameterNames.of(linear).keySet()));
        assertClose(base.add(extra.forward(store, x, false)), linear.forward(store, x, false), 1e-6f, "adapted");
        assertThrows(IllegalStateException.class, () -> linear.attachAdapter(linear.adapter().orElseThrow()));
        linear.detachAdapter();
        assertEquals(List.of("weight", "bias"), List.copyOf(ParameterNames.of(linear).keySet()));
        assertClose(base, linear.forward(store, x, false), 0f, "detached");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> linear.forward(store, manager.ones(new Shape(2, 4)), false));
        assertTrue(e.getMessage().contains("end in 3"), e.getMessage());
    }

    @Test
    void embeddingLooksUpRowsAndRejectsOutOfRangeIds() {
        Embedding embedding = new Embedding(5, 2);
        embedding.initialize(manager, DataType.FLOAT32);
        embedding.weight().getArray().set(new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4});
        NDArray out = embedding.forward(store, manager.create(new long[] {4, 0, 2, 2}).reshape(2, 2), false);
        assertClose(manager.create(new float[] {4, 4, 0, 0, 2, 2, 2, 2}).reshape(2, 2, 2), out, 0f, "rows");
        assertThrows(IllegalArgumentException.class,
                () -> embedding.forward(store, manager.create(new long[] {5}), false));
        assertThrows(IllegalArgumentException.class,
                () -> embedding.forward(store, manager.create(new float[] {1f}), false));
    }

    @Test
    void moduleListNamesChildrenByIndexBeyondNine() {
        List<Linear> layers = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            layers.add(new Linear(2, 2, false));
        }
        ModuleList<Linear> list = new ModuleList<>(layers);
        assertTrue(ParameterNames.of(list).containsKey("11.weight"));
        assertTrue(NamedModules.of(list).containsKey("10"));
        assertEquals(12, list.size());
    }
}
