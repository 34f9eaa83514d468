package dev.perennial.continual.mcit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.pet.LoraConfig;
import dev.perennial.models.pet.LoraLayers;
import org.junit.jupiter.api.Test;

/** The O-LoRA and MoELoRA terms and forward passes on single layers (spec mcit.md §7 M1, M3, M7-M9, extensions). */
class AdapterMathTest {

    @Test
    void orthogonalityIsTheL1OfTheCrossGramMatrix() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray old = Owned.floats(m, new float[] {1, 0, 0}, new Shape(1, 3));
            NDArray overlapping = Owned.floats(m, new float[] {1, 0, 0, 0, 1, 0}, new Shape(2, 3));
            NDArray orthogonal = Owned.floats(m, new float[] {0, 0, 1}, new Shape(1, 3));
            NDArray negated = Owned.floats(m, new float[] {-1, 0, 0, 0, -1, 0}, new Shape(2, 3));
            assertEquals(1f, OrthogonalLoraAdapter.crossGramL1(old, overlapping, m).getFloat(), 0f);
            assertEquals(0f, OrthogonalLoraAdapter.crossGramL1(old, orthogonal, m).getFloat(), 0f);
            assertEquals(1f, OrthogonalLoraAdapter.crossGramL1(old, negated, m).getFloat(), 0f, "absolute values");
        }
    }

    @Test
    void orthogonalityGradientMatchesTheAnalyticOneAndFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] oldValues = {0.5f, -1f, 2f, 0.3f, 1.5f, -0.7f, 0.2f, 0.9f};
            float[] freshValues = {1f, 0.4f, -0.6f, 0.8f, -0.3f, 0.7f, 1.1f, -0.2f, 0.25f, -0.9f, 0.35f, 0.6f};
            NDArray old = Owned.floats(m, oldValues, new Shape(2, 4));
            NDArray fresh = Owned.floats(m, freshValues, new Shape(3, 4));
            fresh.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(OrthogonalLoraAdapter.crossGramL1(old, fresh, m));
            }
            float[] grad = fresh.getGradient().toFloatArray();
            // d/dA_t[k][l] Σ_jk |G_jk| = Σ_j sign(G_jk) A_old[j][l], G = A_old A_tᵀ
            for (int k = 0; k < 3; k++) {
                for (int l = 0; l < 4; l++) {
                    double expected = 0;
                    for (int j = 0; j < 2; j++) {
                        double g = 0;
                        for (int q = 0; q < 4; q++) {
                            g += oldValues[j * 4 + q] * freshValues[k * 4 + q];
                        }
                        expected += Math.signum(g) * oldValues[j * 4 + l];
                    }
                    assertEquals(expected, grad[k * 4 + l], 1e-5, "analytic [" + k + "][" + l + "]");
                    double h = 1e-3;
                    double numeric = (l1(oldValues, freshValues, k * 4 + l, h) - l1(oldValues, freshValues,
                            k * 4 + l, -h)) / (2 * h);
                    assertEquals(numeric, grad[k * 4 + l], 1e-3, "finite difference [" + k + "][" + l + "]");
                }
            }
        }
    }

    private static double l1(float[] old, float[] fresh, int index, double h) {
        double[] f = new double[fresh.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = fresh[i] + (i == index ? h : 0);
        }
        double sum = 0;
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < 3; k++) {
                double g = 0;
                for (int q = 0; q < 4; q++) {
                    g += old[j * 4 + q] * f[k * 4 + q];
                }
                sum += Math.abs(g);
            }
        }
        return sum;
    }

    @Test
    void theL2TermIsTheUnsquaredNormWithAZeroGradientAtZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = Owned.floats(m, new float[] {3, 4}, new Shape(1, 2));
            p.setRequiresGradient(true);
            NDArray zero = m.zeros(new Shape(2, 2));
            zero.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray sum = OrthogonalLoraAdapter.norm(p, m).add(OrthogonalLoraAdapter.norm(zero, m));
                assertEquals(5f, sum.getFloat(), 1e-6f, "||(3, 4)||_2 + ||0||_2");
                c.backward(sum);
            }
            assertArrayEquals(new float[] {0.6f, 0.8f}, p.getGradient().toFloatArray(), 1e-6f, "P / ||P||");
            assertArrayEquals(new float[4], zero.getGradient().toFloatArray(), 0f, "0, not NaN, at a fresh B");
        }
    }

    @Test
    void topKKeepsEachTokensLargestLogitsAndRenormalises() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = Owned.floats(m, new float[] {1, 3, 2, 0, -1, -2, 5, 4}, new Shape(2, 4));
            NDArray mask = MixtureLoraAdapter.topK(logits, 2);
            assertArrayEquals(new float[] {0, 1, 1, 0, 0, 0, 1, 1}, mask.toFloatArray(), 0f);
            float[] gates = MixtureLoraAdapter.masked(logits, mask).softmax(-1).toFloatArray();
            float e = (float) Math.exp(1);
            assertArrayEquals(new float[] {0, e / (e + 1), 1 / (e + 1), 0, 0, 0, e / (e + 1), 1 / (e + 1)}, gates,
                    1e-6f);
            assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 1, 0}, MixtureLoraAdapter.topK(logits, 1).toFloatArray(),
                    0f);
        }
    }

    @Test
    void loadBalanceOnAHandExample() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two tokens, E = 2, both dispatched to expert 0: f = (1, 0), P = (0.65, 0.35) -> 2 * 0.65 = 1.3
            NDArray p = Owned.floats(m, new float[] {0.7f, 0.3f, 0.6f, 0.4f}, new Shape(2, 2));
            NDArray d = Owned.floats(m, new float[] {1, 0, 1, 0}, new Shape(2, 2));
            assertEquals(1.3f, MixtureLoraAdapter.balance(p, d).getFloat(), 1e-6f);
            // a uniform router with even dispatch gives 1
            NDArray u = Owned.floats(m, new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new Shape(1, 2, 2));
            NDArray even = Owned.floats(m, new float[] {1, 0, 0, 1}, new Shape(1, 2, 2));
            assertEquals(1f, MixtureLoraAdapter.balance(u, even).getFloat(), 1e-6f);
        }
    }

    @Test
    void equalRouterLogitsAverageTheExpertsWithTheTotalRankScaling() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Linear base = new Linear(5, 3, true);
            base.initialize(m, DataType.FLOAT32);
            int rank = 4;
            int experts = 2;
            float scaling = 8f / rank;
            MixtureLoraAdapter moe = new MixtureLoraAdapter(base, rank, experts, 0, scaling, 0f);
            moe.initialize(m, DataType.FLOAT32);
            base.attachAdapter(moe);
            m.randomNormal(new Shape(3, rank)).copyTo(moe.loraB().weight().getArray());
            m.zeros(new Shape(experts, 5)).copyTo(moe.router().weight().getArray());
            NDArray x = m.randomNormal(new Shape(2, 6, 5));
            ParameterStore store = new ParameterStore(m, false);
            NDArray out = base.forward(store, x, false);
            NDArray a = moe.loraA().weight().getArray();
            NDArray b = moe.loraB().weight().getArray();
            // (s/E) Σ_e B_e A_e x = (s/E) B A x with the experts stacked
            NDArray expected = base.forwardBase(store, x, false)
                    .add(x.matMul(a.transpose()).matMul(b.transpose()).mul(scaling / experts));
            assertArrayEquals(expected.toFloatArray(), out.toFloatArray(), 1e-5f);
            NDArray gates = moe.router().forward(store, x, false).softmax(-1).sum(new int[] {-1});
            assertArrayEquals(m.ones(new Shape(2, 6)).toFloatArray(), gates.toFloatArray(), 1e-6f, "M7: sums to 1");
        }
    }

    @Test
    void oneExpertIsPlainLoraOfTheSameRank() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            Linear moeBase = new Linear(5, 3, true);
            moeBase.initialize(m, DataType.FLOAT32);
            Linear loraBase = new Linear(5, 3, true);
            loraBase.initialize(m, DataType.FLOAT32);
            moeBase.weight().getArray().copyTo(loraBase.weight().getArray());
            moeBase.bias().orElseThrow().getArray().copyTo(loraBase.bias().orElseThrow().getArray());
            MixtureLoraAdapter moe = new MixtureLoraAdapter(moeBase, 4, 1, 0, 2f, 0f);
            moe.initialize(m, DataType.FLOAT32);
            moeBase.attachAdapter(moe);
            var root = new ai.djl.nn.SequentialBlock();
            root.add(loraBase);
            LoraLayers lora = LoraLayers.inject(root, LoraConfig.of(4, 8f, "Linear"));
            var adapter = lora.adapters().values().iterator().next();
            m.randomNormal(new Shape(3, 4)).copyTo(moe.loraB().weight().getArray());
            moe.loraA().weight().getArray().copyTo(adapter.loraA().weight().getArray());
            moe.loraB().weight().getArray().copyTo(adapter.loraB().weight().getArray());
            assertEquals(adapter.scaling(), 2f, 0f, "M9: s = alpha / r with r the total rank");
            NDArray x = m.randomNormal(new Shape(7, 5));
            ParameterStore store = new ParameterStore(m, false);
            assertArrayEquals(loraBase.forward(store, x, false).toFloatArray(),
                    moeBase.forward(store, x, false).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void aRankThatTheExpertsDoNotDivideIsRefused() {
        Linear base = new Linear(5, 3, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MixtureLoraAdapter(base, 6, 4, 0, 1f, 0f));
        assertEquals("moe-lora: the rank (6) must be a multiple of experts (4)", e.getMessage());
    }
}
