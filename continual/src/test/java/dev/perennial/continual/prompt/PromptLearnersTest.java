package dev.perennial.continual.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.models.ParameterNames;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** L2P, DualPrompt and CODA-Prompt driven through their SPI methods on a tiny 3-block ViT, two tasks of two classes. */
class PromptLearnersTest {
    @TempDir
    Path dir;

    static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "t0", new int[] {0, 1}, 8, 4),
            new TaskInfo(1, "t1", new int[] {2, 3}, 8, 4));
    static final PtmBackboneConfig TINY = PtmBackboneConfig.defaults().withArchitecture("", TinyPtm.SIZE, 4,
            TinyPtm.DIM, 3, 2);

    static L2pProvider.Config l2p() {
        return new L2pProvider.Config(TINY, 4, 2, 2, 0.5f, false, -1f, 1f, "current-task");
    }

    static DualPromptProvider.Config dual() {
        return new DualPromptProvider.Config(TINY, 2, List.of(0), 3, List.of(1, 2), 0.5f, false, true, false, -1f, 1f,
                "current-task");
    }

    static CodaPromptProvider.Config coda(float mu) {
        return new CodaPromptProvider.Config(TINY, 6, 4, mu, List.of(0, 2), "current-task");
    }

    private Map<String, Function<NDManager, PromptLearner>> learners() {
        ScenarioInfo scenario = TinyPtm.scenario(4, TASKS);
        Map<String, Function<NDManager, PromptLearner>> out = new LinkedHashMap<>();
        out.put("l2p", root -> new L2pLearner(l2p(), TinyPtm.context(root, scenario, dir), "l2p"));
        out.put("dualprompt", root -> new DualPromptLearner(dual(), TinyPtm.context(root, scenario, dir),
                "dualprompt"));
        out.put("coda-prompt", root -> new CodaPromptLearner(coda(0.1f), TinyPtm.context(root, scenario, dir),
                "coda-prompt"));
        return out;
    }

    static TinyPtm.Images images(int task) {
        return TinyPtm.Images.of(TASKS.get(task).classes(), 3, 100 + task);
    }

    static Set<String> trainable(PromptLearner learner) {
        Set<String> out = new TreeSet<>();
        ParameterNames.of(learner.model()).forEach((n, p) -> {
            if (p.requiresGradient()) {
                out.add(n);
            }
        });
        return out;
    }

    static Map<String, float[]> snapshot(PromptLearner learner) {
        Map<String, float[]> out = new LinkedHashMap<>();
        ParameterNames.of(learner.model()).forEach((n, p) -> out.put(n, p.getArray().toFloatArray()));
        return out;
    }

    /** One SGD step on the summed loss terms (the loop's optimizer is not in this module). */
    static Map<String, Float> step(PromptLearner learner, NDManager root, TinyPtm.Images d, int task) {
        Map<String, Float> values = new LinkedHashMap<>();
        try (NDManager m = root.newSubManager()) {
            Batch batch = d.batch(m, 0, d.size(), task);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms terms = learner.loss(batch, TinyPtm.step(m, task, true));
                NDArray total = null;
                for (Map.Entry<String, NDArray> e : terms.terms().entrySet()) {
                    values.put(e.getKey(), e.getValue().getFloat());
                    total = total == null ? e.getValue() : total.add(e.getValue());
                }
                c.backward(total);
            }
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray w = p.getValue().getArray();
                    NDArray g = w.getGradient();
                    w.subi(g.mul(0.05f));
                    // As the loop: gradients are zeroed between steps, never accumulated across them.
                    g.subi(g);
                }
            }
        }
        return values;
    }

    static float[][] scores(PromptLearner learner, NDManager root, int task) {
        try (NDManager m = root.newSubManager()) {
            TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2, 3}, 2, 77);
            return learner.predict(test.batch(m, 0, test.size(), task), TinyPtm.step(m, task, false)).scores()
                    .orElseThrow();
        }
    }

    @Test
    void theBackboneNeverMovesAndUnseenClassesGetNoProbability() {
        for (Map.Entry<String, Function<NDManager, PromptLearner>> e : learners().entrySet()) {
            try (NDManager root = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(5);
                PromptLearner learner = e.getValue().apply(root);
                learner.beforeTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
                Map<String, float[]> before = snapshot(learner);
                Map<String, Float> terms = Map.of();
                for (int s = 0; s < 3; s++) {
                    terms = step(learner, root, images(0), 0);
                }
                assertTrue(terms.values().stream().allMatch(Float::isFinite), e.getKey() + " " + terms);
                Map<String, float[]> after = snapshot(learner);
                boolean promptsMoved = false;
                for (String n : before.keySet()) {
                    boolean same = java.util.Arrays.equals(before.get(n), after.get(n));
                    if (n.startsWith("ptm.")) {
                        assertTrue(same, e.getKey() + ": backbone tensor " + n + " changed");
                    } else if (n.startsWith("prompts.") && !same) {
                        promptsMoved = true;
                    }
                }
                assertTrue(promptsMoved, e.getKey() + ": the prompts train");
                assertTrue(trainable(learner).stream().noneMatch(n -> n.startsWith("ptm.")), e.getKey());
                learner.afterTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
                for (float[] row : scores(learner, root, 0)) {
                    assertEquals(0f, row[2], e.getKey() + ": unseen class 2");
                    assertEquals(0f, row[3], e.getKey() + ": unseen class 3");
                    assertEquals(1.0, row[0] + row[1], 1e-5);
                }
            }
        }
    }

    @Test
    void maskedLogitsGiveTheHeadRowsOfOtherTasksNoGradient() {
        for (Map.Entry<String, Function<NDManager, PromptLearner>> e : learners().entrySet()) {
            try (NDManager root = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(6);
                PromptLearner learner = e.getValue().apply(root);
                for (int t = 0; t < 2; t++) {
                    learner.beforeTask(TASKS.get(t), TinyPtm.taskData(TASKS.get(t), images(t), root));
                    if (t == 0) {
                        learner.afterTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
                    }
                }
                try (NDManager m = root.newSubManager()) {
                    TinyPtm.Images d = images(1);
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        LossTerms terms = learner.loss(d.batch(m, 0, d.size(), 1), TinyPtm.step(m, 1, true));
                        assertTrue(Float.isFinite(terms.terms().get("ce").getFloat()));
                        c.backward(terms.terms().get("ce"));
                    }
                    float[] g = learner.head().getParameters().get("weight").getArray().getGradient().toFloatArray();
                    int d0 = TinyPtm.DIM;
                    for (int cls = 0; cls < 4; cls++) {
                        double norm = 0;
                        for (int j = 0; j < d0; j++) {
                            norm += Math.abs(g[cls * d0 + j]);
                        }
                        if (cls < 2) {
                            assertEquals(0.0, norm, e.getKey() + ": old class " + cls + " is masked in training");
                        } else {
                            assertTrue(norm > 0, e.getKey() + ": current class " + cls + " learns");
                        }
                    }
                }
            }
        }
    }

    @Test
    void resumingFromTheStateAndParametersContinuesBitIdentically() {
        for (Map.Entry<String, Function<NDManager, PromptLearner>> e : learners().entrySet()) {
            try (NDManager root = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(8);
                PromptLearner a = e.getValue().apply(root);
                a.beforeTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
                step(a, root, images(0), 0);
                a.afterTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
                a.beforeTask(TASKS.get(1), TinyPtm.taskData(TASKS.get(1), images(1), root));
                step(a, root, images(1), 1);
                PluginState state;
                Map<String, float[]> mid = snapshot(a);
                try (NDManager m = root.newSubManager()) {
                    state = a.saveState(TinyPtm.step(m, 1, true));
                }
                step(a, root, images(1), 1);
                step(a, root, images(1), 1);

                Engine.getInstance().setRandomSeed(99);
                PromptLearner b = e.getValue().apply(root);
                b.loadState(state);
                Map<String, Parameter> to = ParameterNames.of(b.model());
                try (NDManager m = root.newSubManager()) {
                    mid.forEach((n, v) -> m.create(v, to.get(n).getArray().getShape()).copyTo(to.get(n).getArray()));
                }
                assertEquals(trainable(a), trainable(b), e.getKey());
                step(b, root, images(1), 1);
                step(b, root, images(1), 1);
                Map<String, float[]> fa = snapshot(a);
                Map<String, float[]> fb = snapshot(b);
                for (String n : fa.keySet()) {
                    assertArrayEquals(fa.get(n), fb.get(n), 0f, e.getKey() + ": " + n);
                }
                assertArrayEquals(scores(a, root, 1)[0], scores(b, root, 1)[0], 0f);
            }
        }
    }

    @Test
    void dualPromptTrainsTheTaskExpertAndTestsWithTheClosestKey() {
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(9);
            DualPromptLearner learner = new DualPromptLearner(dual(),
                    TinyPtm.context(root, TinyPtm.scenario(4, TASKS), dir), "dualprompt");
            learner.beforeTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
            step(learner, root, images(0), 0);
            learner.afterTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
            float[] e0 = learner.ePrompts().get(0).getArray().toFloatArray();
            learner.beforeTask(TASKS.get(1), TinyPtm.taskData(TASKS.get(1), images(1), root));
            // sharedPromptPool: E-prompt 1 starts from E-prompt 0; the key does not (sharedPromptKey false).
            assertArrayEquals(e0, learner.ePrompts().get(1).getArray().toFloatArray(), 0f);
            assertEquals(Set.of("head.bias", "head.weight", "prompts.e_key_1", "prompts.e_prompt_1",
                    "prompts.g_prompt"), trainable(learner));
            float[] k0 = learner.eKeys().get(0).getArray().toFloatArray();
            step(learner, root, images(1), 1);
            assertArrayEquals(e0, learner.ePrompts().get(0).getArray().toFloatArray(), 0f, "task 0's expert is frozen");
            assertArrayEquals(k0, learner.eKeys().get(0).getArray().toFloatArray(), 0f);
            try (NDManager m = root.newSubManager()) {
                NDArray x = images(0).batch(m, 0, 6, 0).input("image");
                NDArray q = learner.query(x);
                // Key 0 := the first query, key 1 := its negation: at test every sample that is closer to q_0 takes 0.
                q.get(0).copyTo(learner.eKeys().get(0).getArray());
                q.get(0).neg().copyTo(learner.eKeys().get(1).getArray());
                int[] test = learner.selectExpert(q, false, 1, x);
                float[] cos = KeyMatching.cosine(q, q.get(0).reshape(1, -1)).toFloatArray();
                for (int i = 0; i < test.length; i++) {
                    assertEquals(cos[i] >= 0 ? 0 : 1, test[i], "sample " + i);
                }
                assertEquals(0, test[0]);
                for (int i : learner.selectExpert(q, true, 1, x)) {
                    assertEquals(1, i, "training uses the task's expert whatever the keys say");
                }
            }
        }
    }

    @Test
    void codaFreezesEarlierSlicesIgnoresLaterOnesAndInitialisesOrthogonally() {
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(10);
            CodaPromptLearner learner = new CodaPromptLearner(coda(0.1f),
                    TinyPtm.context(root, TinyPtm.scenario(4, TASKS), dir), "coda-prompt");
            learner.beforeTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
            assertEquals(3, learner.componentsPerTask());
            // Later slices are unused: changing them leaves the task-0 loss unchanged.
            Map<String, Float> first;
            try (NDManager m = root.newSubManager()) {
                TinyPtm.Images d = images(0);
                float ce0 = learner.loss(d.batch(m, 0, d.size(), 0), TinyPtm.step(m, 0, true)).terms().get("ce")
                        .getFloat();
                for (int l = 0; l < 2; l++) {
                    for (char kind : new char[] {'p', 'k', 'a'}) {
                        NDArray later = learner.slices(l, kind).get(1).getArray();
                        later.muli(3f).addi(1f);
                    }
                }
                float ce1 = learner.loss(d.batch(m, 0, d.size(), 0), TinyPtm.step(m, 0, true)).terms().get("ce")
                        .getFloat();
                assertEquals(ce0, ce1, 0f);
            }
            first = step(learner, root, images(0), 0);
            assertTrue(first.containsKey("ortho") && first.get("ortho") >= 0, first.toString());
            step(learner, root, images(0), 0);
            learner.afterTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
            Map<String, float[]> task0 = new LinkedHashMap<>();
            for (int l = 0; l < 2; l++) {
                for (char kind : new char[] {'p', 'k', 'a'}) {
                    task0.put(l + "" + kind, learner.slices(l, kind).get(0).getArray().toFloatArray());
                }
            }
            learner.beforeTask(TASKS.get(1), TinyPtm.taskData(TASKS.get(1), images(1), root));
            // P10: the new slice is unit-norm and orthogonal to the (trained) earlier rows.
            for (int l = 0; l < 2; l++) {
                for (char kind : new char[] {'p', 'k', 'a'}) {
                    float[] old = task0.get(l + "" + kind);
                    float[] fresh = learner.slices(l, kind).get(1).getArray().toFloatArray();
                    int n = fresh.length / 3;
                    for (int i = 0; i < 3; i++) {
                        assertEquals(1.0, dot(fresh, i, fresh, i, n), 1e-5);
                        for (int j = 0; j < 3; j++) {
                            assertTrue(Math.abs(dot(fresh, i, old, j, n)) < 1e-5 * norm(old, j, n),
                                    "layer " + l + " " + kind + " row " + i + " vs old row " + j);
                        }
                    }
                }
            }
            assertTrue(trainable(learner).stream().filter(n -> n.startsWith("prompts.")).allMatch(n -> n.endsWith("_1")),
                    trainable(learner).toString());
            step(learner, root, images(1), 1);
            for (int l = 0; l < 2; l++) {
                for (char kind : new char[] {'p', 'k', 'a'}) {
                    assertArrayEquals(task0.get(l + "" + kind), learner.slices(l, kind).get(0).getArray()
                            .toFloatArray(), 0f, "task 0's components are frozen in task 1");
                }
            }
        }
    }

    @Test
    void codaWithoutOrthoCoefficientHasNoOrthoTerm() {
        try (NDManager root = NDManager.newBaseManager()) {
            CodaPromptLearner learner = new CodaPromptLearner(coda(0f),
                    TinyPtm.context(root, TinyPtm.scenario(4, TASKS), dir), "coda-prompt");
            learner.beforeTask(TASKS.get(0), TinyPtm.taskData(TASKS.get(0), images(0), root));
            assertFalse(step(learner, root, images(0), 0).containsKey("ortho"));
        }
    }

    @Test
    void codaRejectsMoreComponentsThanTheKeysCanHoldOrthogonallyAtConstruction() {
        try (NDManager root = NDManager.newBaseManager()) {
            CodaPromptProvider.Config wide = new CodaPromptProvider.Config(TINY, 2 * (TinyPtm.DIM + 2), 4, 0f,
                    List.of(0), "current-task");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new CodaPromptLearner(wide, TinyPtm.context(root, TinyPtm.scenario(4, TASKS), dir),
                            "coda-prompt"));
            assertTrue(e.getMessage().contains("'poolSize'") && e.getMessage().contains("embedDim"), e.getMessage());
        }
    }

    private static double dot(float[] a, int i, float[] b, int j, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += (double) a[i * n + k] * b[j * n + k];
        }
        return s;
    }

    private static double norm(float[] a, int i, int n) {
        return Math.sqrt(dot(a, i, a, i, n));
    }
}
