package dev.perennial.continual.mcit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.perennial.continual.llaca.LlavaModelConfig;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.continual.vqa.MiniCoin;
import dev.perennial.continual.vqa.MiniCoinConfig;
import dev.perennial.models.ParameterNames;
import dev.perennial.spi.Batch;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code o-lora} and {@code moe-lora} through the SPI on a tiny LLaVA and two Mini-CoIN tasks (no base task), with a
 * hand-written SGD step on the sum of the loss terms standing in for the loop (spec mcit.md §7 M2-M6, resume).
 */
class McitLearnersTest {
    private static final LlavaModelConfig MODEL = new LlavaModelConfig(null, "mini-coin", 32, 64, 1, 2, 32, 8, 16, 2,
            4, 8f, 0f, null, 0.1, 0, "", 4, "");
    private static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "color", new int[0], 8, 4),
            new TaskInfo(1, "counting", new int[0], 8, 4));
    private static final ScenarioInfo SCENARIO = new ScenarioInfo("instruction", List.of(), TASKS, Map.of());
    private static final MiniCoin COIN = new MiniCoin(new MiniCoinConfig(5, 32, 8, 4, List.of("color", "counting"),
            false, 2));
    private static final String Q0 = "language_model.model.layers.0.self_attn.q_proj.";

    @TempDir
    Path dir;

    @Test
    void oLoraTrainsOnlyTheTasksSliceAddsTheOrthogonalityTermAndKeepsOldSlicesFrozen() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Learner learner = new OLoraProvider().create(new OLoraProvider.Config(MODEL, 0.5f, 0.1f, true, 0),
                    context(manager, dir));
            float before = evalLoss(manager, learner, 0);
            learner.beforeTask(TASKS.get(0), null);
            assertEquals(before, evalLoss(manager, learner, 0), 0f, "M6: B = 0, the new slice changes nothing");
            assertEquals(2 * 7 + 4, trainable(learner).size(), "slice 0 of 7 linears + the projector");
            assertTrue(trainable(learner).contains(Q0 + "lora_A_0.weight"));
            Map<String, Float> terms = train(manager, learner, 0, 3, 0.2f);
            assertFalse(terms.containsKey("orthogonality"), "M2: no old rows in the first task");
            assertTrue(terms.containsKey("l2"), "lambda2 > 0 adds the L2 term");
            learner.afterTask(TASKS.get(0), null);

            before = evalLoss(manager, learner, 1);
            learner.beforeTask(TASKS.get(1), null);
            assertEquals(before, evalLoss(manager, learner, 1), 0f, "M6 at the second task");
            assertTrue(trainable(learner).contains(Q0 + "lora_A_1.weight"));
            assertFalse(trainable(learner).contains(Q0 + "lora_A_0.weight"), "slice 0 is frozen");
            Map<String, float[]> old = snapshot(learner, "lora_A_0", "lora_B_0");
            Map<String, float[]> fresh = snapshot(learner, "lora_A_1", "lora_B_1");
            assertEquals(2 * 7, old.size());

            Map<String, Parameter> params = ParameterNames.of(learner.model());
            double expected = 0;
            try (NDManager scope = manager.newSubManager()) {
                for (String module : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                        "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
                    String p = "language_model.model.layers.0." + module + ".";
                    expected += OrthogonalLoraAdapter.crossGramL1(params.get(p + "lora_A_0.weight").getArray(),
                            params.get(p + "lora_A_1.weight").getArray(), scope).getFloat();
                }
            }
            terms = train(manager, learner, 1, 3, 0.2f);
            assertEquals(0.5 * expected, terms.get("orthogonality"), 1e-4 * expected,
                    "lambda1 * sum over layers of |A_0 A_1^T| (first step's value)");
            assertTrue(expected > 0, "random A's are not orthogonal");
            snapshot(learner, "lora_A_0", "lora_B_0").forEach((n, v) -> assertArrayEquals(old.get(n), v, 0f,
                    "M4: " + n + " unchanged"));
            snapshot(learner, "lora_A_1", "lora_B_1").forEach((n, v) -> assertFalse(
                    java.util.Arrays.equals(fresh.get(n), v), "slice 1 trains: " + n));
        }
    }

    @Test
    void mcitlibsForwardLeavesOldSlicesOutOfTrainingPassesOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (boolean official : new boolean[] {true, false}) {
                Learner learner = new OLoraProvider().create(new OLoraProvider.Config(MODEL, 0.05f, 0f, official, 0),
                        context(manager, dir));
                learner.beforeTask(TASKS.get(0), null);
                train(manager, learner, 0, 2, 0.2f);
                learner.afterTask(TASKS.get(0), null);
                learner.beforeTask(TASKS.get(1), null);
                float trainBefore = loss(manager, learner, 1, true);
                float evalBefore = loss(manager, learner, 1, false);
                Parameter b0 = ParameterNames.of(learner.model()).get(Q0 + "lora_B_0.weight");
                try (NDManager scope = manager.newSubManager()) {
                    NDArray noise = scope.randomNormal(b0.getArray().getShape());
                    b0.getArray().addi(noise);
                }
                assertNotEquals(evalBefore, loss(manager, learner, 1, false), "inference adds slice 0");
                if (official) {
                    assertNotEquals(trainBefore, loss(manager, learner, 1, true), "official: slice 0 in training");
                } else {
                    assertEquals(trainBefore, loss(manager, learner, 1, true), 0f, "M5: MCITlib trains without it");
                }
            }
        }
    }

    @Test
    void moeLoraTrainsExpertsAndRoutersOnEveryTaskWithTheOptionalBalanceTerm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Learner dense = new MoeLoraProvider().create(new MoeLoraProvider.Config(MODEL, 2, 0, 0f),
                    context(manager, dir));
            float before = evalLoss(manager, dense, 0);
            dense.beforeTask(TASKS.get(0), null);
            assertEquals(before, evalLoss(manager, dense, 0), 0f, "B = 0: the experts change nothing at the start");
            assertEquals(3 * 7 + 4, trainable(dense).size(), "router, A and B of 7 linears + the projector");
            assertEquals(Map.of("answer-ce", 0f).keySet(), train(manager, dense, 0, 1, 0.2f).keySet(),
                    "CoIN: no balance term by default");
            dense.afterTask(TASKS.get(0), null);
            dense.beforeTask(TASKS.get(1), null);
            assertEquals(3 * 7 + 4, trainable(dense).size(), "the same tensors train on the next task");

            Learner balanced = new MoeLoraProvider().create(new MoeLoraProvider.Config(MODEL, 4, 2, 0.01f),
                    context(manager, dir));
            balanced.beforeTask(TASKS.get(0), null);
            Map<String, Float> terms = train(manager, balanced, 0, 2, 0.2f);
            float balance = terms.get("load-balance") / 0.01f;
            assertTrue(balance >= 1f - 1e-4f && balance <= 4f + 1e-4f, "E sum f P lies in [1, E]: " + balance);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new MoeLoraProvider.Config(MODEL, 3, 0, 0f));
            assertTrue(e.getMessage().contains("divide model.loraRank (4)"), e.getMessage());
        }
    }

    @Test
    void resumingInsideTheSecondTaskContinuesBitIdentically() {
        Map<String, BiFunction<NDManager, Path, Learner>> learners = new TreeMap<>();
        learners.put("o-lora", (m, d) -> new OLoraProvider().create(new OLoraProvider.Config(MODEL, 0.5f, 0.1f, true,
                0), context(m, d)));
        learners.put("moe-lora", (m, d) -> new MoeLoraProvider().create(new MoeLoraProvider.Config(MODEL, 2, 1, 0.01f),
                context(m, d)));
        for (Map.Entry<String, BiFunction<NDManager, Path, Learner>> e : learners.entrySet()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Learner a = e.getValue().apply(manager, dir);
                a.beforeTask(TASKS.get(0), null);
                train(manager, a, 0, 2, 0.2f);
                a.afterTask(TASKS.get(0), null);
                a.beforeTask(TASKS.get(1), null);
                train(manager, a, 1, 1, 0.2f);
                PluginState state = a.saveState(null);
                Map<String, float[]> mid = snapshot(a);
                train(manager, a, 1, 2, 0.2f);

                Engine.getInstance().setRandomSeed(99);
                Learner b = e.getValue().apply(manager, dir);
                b.loadState(state);
                Map<String, Parameter> to = ParameterNames.of(b.model());
                assertEquals(mid.keySet(), to.keySet(), e.getKey() + ": the adapters exist after loadState");
                try (NDManager scope = manager.newSubManager()) {
                    mid.forEach((n, v) -> scope.create(v, to.get(n).getArray().getShape()).copyTo(to.get(n).getArray()));
                }
                assertEquals(trainable(a), trainable(b), e.getKey());
                train(manager, b, 1, 2, 0.2f);
                Map<String, float[]> fa = snapshot(a);
                Map<String, float[]> fb = snapshot(b);
                for (String n : fa.keySet()) {
                    assertArrayEquals(fa.get(n), fb.get(n), 0f, e.getKey() + ": " + n);
                }
            }
        }
    }

    @Test
    void aPeftAdapterCannotShareTheLayers() {
        LlavaModelConfig withAdapter = new LlavaModelConfig(null, "mini-coin", 32, 64, 1, 2, 32, 8, 16, 2, 4, 8f, 0f,
                null, 0.1, 0, "", 4, "some/adapter");
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OLoraProvider()
                    .create(new OLoraProvider.Config(withAdapter, 0.5f, 0f, true, 2), context(manager, dir)));
            assertTrue(e.getMessage().contains("model.loraAdapter must be empty"), e.getMessage());
        }
    }

    private static TreeSet<String> trainable(Learner learner) {
        TreeSet<String> out = new TreeSet<>();
        ParameterNames.of(learner.model()).forEach((n, p) -> {
            if (p.requiresGradient()) {
                out.add(n);
            }
        });
        return out;
    }

    private static Map<String, float[]> snapshot(Learner learner, String... parts) {
        Map<String, float[]> out = new TreeMap<>();
        ParameterNames.of(learner.model()).forEach((n, p) -> {
            boolean wanted = parts.length == 0;
            for (String part : parts) {
                wanted |= n.contains("." + part + ".");
            }
            if (wanted) {
                out.put(n, p.getArray().toFloatArray());
            }
        });
        return out;
    }

    private static float evalLoss(NDManager manager, Learner learner, int task) {
        return loss(manager, learner, task, false);
    }

    private static float loss(NDManager manager, Learner learner, int task, boolean training) {
        try (NDManager scope = manager.newSubManager()) {
            return learner.loss(batch(scope, task * 8, task * 8 + 4), step(scope, training, 0)).terms()
                    .get("answer-ce").getFloat();
        }
    }

    /** Steps of plain SGD on the sum of the terms over the task's examples; returns the first step's terms. */
    private static Map<String, Float> train(NDManager manager, Learner learner, int task, int steps, float lr) {
        Map<String, Float> first = null;
        for (int s = 0; s < steps; s++) {
            int start = task * 8 + (s * 4) % 8;
            try (NDManager scope = manager.newSubManager()) {
                Batch batch = batch(scope, start, start + 4);
                StepContext step = step(scope, true, s);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    LossTerms terms = learner.loss(batch, step);
                    NDArray total = null;
                    Map<String, Float> values = new HashMap<>();
                    for (Map.Entry<String, NDArray> t : terms.terms().entrySet()) {
                        values.put(t.getKey(), t.getValue().getFloat());
                        total = total == null ? t.getValue() : total.add(t.getValue());
                    }
                    first = first == null ? values : first;
                    collector.backward(total);
                }
                for (Pair<String, Parameter> p : learner.model().getParameters()) {
                    NDArray w = p.getValue().getArray();
                    if (p.getValue().requiresGradient() && w.hasGradient()) {
                        NDArray g = w.getGradient();
                        g.attach(scope);
                        w.subi(g.mul(lr));
                    }
                }
                learner.afterStep(step);
                for (Pair<String, Parameter> p : learner.model().getParameters()) {
                    NDArray w = p.getValue().getArray();
                    if (p.getValue().requiresGradient() && w.hasGradient()) {
                        NDArray g = w.getGradient();
                        g.attach(scope);
                        g.subi(g);
                    }
                }
            }
        }
        return first;
    }

    private static Batch batch(NDManager m, int from, int to) {
        DatasetSplit split = COIN.train();
        List<Example> examples = new ArrayList<>();
        for (int i = from; i < to; i++) {
            examples.add(split.get(i));
        }
        int n = examples.size();
        float[] firstImage = ((Feature.Floats) examples.get(0).features().get("image")).values();
        float[] all = new float[n * firstImage.length];
        long[] ids = new long[n];
        Map<String, List<String>> texts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            float[] v = ((Feature.Floats) examples.get(i).features().get("image")).values();
            System.arraycopy(v, 0, all, i * v.length, v.length);
            ids[i] = examples.get(i).id();
            for (Map.Entry<String, String> t : examples.get(i).texts().entrySet()) {
                texts.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(t.getValue());
            }
        }
        NDArray images = dev.perennial.models.nn.Owned.floats(m, all, new Shape(n, 3, 32, 32));
        images.setName("image");
        return new Batch(new NDList(images), Optional.empty(), Optional.empty(), ids, 0, texts);
    }

    private static StepContext step(NDManager m, boolean training, long global) {
        return TinyPtm.step(m, 0, training, global, 3, 0.1);
    }

    private static PluginContext context(NDManager manager, Path dir) {
        return TinyPtm.context(manager, SCENARIO, dir);
    }
}
