package dev.perennial.continual.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LwF as PyCIL's class-incremental {@code models/lwf.py} defines it: {@code loss = CE(logits[:, known:], y − known)
 * + 3 · KD}, {@code KD = −Σ softmax(old / 2) · log_softmax(logits[:, :known] / 2) / B} (no T² factor), and head
 * growth that re-draws the new classes' rows as a fresh {@code nn.Linear} (uniform in ±1/√d) and keeps the old rows.
 */
class LwfPyCilTest {

    @Test
    void distillationIsPyCilsKdLossWithoutTheTemperatureSquared() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two samples, classes 0 and 2 old, class 1 new (old classes need not be contiguous)
            NDArray logits = m.create(new float[] {1f, 40f, 2f, -1f, 7f, 1f}, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray old = m.create(new float[] {2f, -5f, 1f, 0f, 9f, 4f}, new ai.djl.ndarray.types.Shape(2, 3));
            boolean[] oldClasses = {true, false, true};
            // sample 0: p = softmax([1, 0.5]), log q = log_softmax([0.5, 1]); sample 1: p = softmax([0, 2]),
            // log q = log_softmax([-0.5, 0.5]); KD = −(Σ p log q over both samples) / 2
            double expected = -(crossTerm(1, 0.5, 0.5, 1) + crossTerm(0, 2, -0.5, 0.5)) / 2;
            float got = LwfProvider.LwfLearner.distillation(logits, old, oldClasses, 2, false).getFloat();
            assertEquals(expected, got, 1e-5, "PyCIL's _KD_loss");
            float scaled = LwfProvider.LwfLearner.distillation(logits, old, oldClasses, 2, true).getFloat();
            assertEquals(4 * expected, scaled, 1e-5, "temperatureSquared: true multiplies by T²");
        }
    }

    /** Σ_c p_c log q_c for two classes, p = softmax([a0, a1]), q = softmax([b0, b1]). */
    private static double crossTerm(double a0, double a1, double b0, double b1) {
        double p0 = Math.exp(a0) / (Math.exp(a0) + Math.exp(a1));
        double lse = Math.log(Math.exp(b0) + Math.exp(b1));
        return p0 * (b0 - lse) + (1 - p0) * (b1 - lse);
    }

    @Test
    void defaultsArePyCils() {
        LwfProvider.Config c = new LwfProvider().defaultConfig();
        assertEquals(2.0, c.temperature(), "PyCIL's T");
        assertEquals(3.0, c.alpha(), "PyCIL's lamda");
        assertEquals("current", c.crossEntropyOver(), "PyCIL: logits[:, known:]");
        assertTrue(!c.temperatureSquared(), "PyCIL's _KD_loss has no T² factor");
        assertEquals("fresh", c.headRows(), "PyCIL's update_fc builds a new layer for the new classes");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new LwfProvider.Config(
                null, 2, 3, "current", false, "zero"));
        assertEquals("headRows must be 'fresh' or 'kept', was 'zero'", bad.getMessage());
    }

    /**
     * With the default configuration the learner's loss on a second-task batch is
     * {@code CE over the new classes + 3 · KD over the old ones}, computed here by hand from the current network's
     * logits and the old network's (a frozen copy taken before the second task, so equal to the current one until a
     * step is taken).
     */
    @Test
    void defaultLossIsCrossEntropyOnTheNewClassesPlusThreeTimesTheKdTerm(@TempDir Path dir) {
        TaskInfo t0 = new TaskInfo(0, "t0", new int[] {0, 2}, 8, 8);
        TaskInfo t1 = new TaskInfo(1, "t1", new int[] {3, 1}, 8, 8);
        ScenarioInfo scenario = TinyPtm.scenario(4, List.of(t0, t1));
        try (NDManager run = NDManager.newBaseManager()) {
            LwfProvider provider = new LwfProvider();
            Learner learner = provider.create(provider.defaultConfig(), TinyPtm.context(run, scenario, dir));
            TinyPtm.Images images0 = TinyPtm.Images.of(t0.classes(), 4, 1);
            TinyPtm.Images images1 = TinyPtm.Images.of(t1.classes(), 4, 2);
            learner.beforeTask(t0, TinyPtm.taskData(t0, images0, run));
            learner.afterTask(t0, TinyPtm.taskData(t0, images0, run));
            learner.beforeTask(t1, TinyPtm.taskData(t1, images1, run));
            try (NDManager m = run.newSubManager()) {
                Batch batch = images1.batch(m, 0, 8, 1);
                LossTerms terms = learner.loss(batch, TinyPtm.step(m, 1, true));
                float[] z = terms.output("logits").orElseThrow().toFloatArray();
                long[] y = images1.labels();
                double ce = 0;
                double kd = 0;
                for (int i = 0; i < 8; i++) {
                    // CE over the new classes {1, 3}
                    double lseNew = Math.log(Math.exp(z[4 * i + 1]) + Math.exp(z[4 * i + 3]));
                    ce += -(z[4 * (int) i + (int) y[i]] - lseNew) / 8;
                    // KD over the old classes {0, 2} at T = 2; old logits equal the current ones before any step
                    kd += -crossTerm(z[4 * i] / 2, z[4 * i + 2] / 2, z[4 * i] / 2, z[4 * i + 2] / 2) / 8;
                }
                Map<String, NDArray> t = terms.terms();
                assertEquals(ce, t.get("ce").getFloat(), 1e-5, "cross-entropy over the task's own classes");
                assertEquals(3 * kd, t.get("lwf").getFloat(), 1e-5, "λ · KD with λ = 3 and no T²");
            }
        }
    }

    /** Head growth: the new task's rows are re-drawn in ±1/√d, the old task's rows are kept bit for bit. */
    @Test
    void headGrowthRedrawsOnlyTheNewClassesRowsAsAFreshLinearLayer(@TempDir Path dir) {
        TaskInfo t0 = new TaskInfo(0, "t0", new int[] {0, 2}, 8, 8);
        TaskInfo t1 = new TaskInfo(1, "t1", new int[] {3, 1}, 8, 8);
        ScenarioInfo scenario = TinyPtm.scenario(4, List.of(t0, t1));
        try (NDManager run = NDManager.newBaseManager()) {
            LwfProvider provider = new LwfProvider();
            Learner learner = provider.create(provider.defaultConfig(), TinyPtm.context(run, scenario, dir));
            TinyPtm.Images images0 = TinyPtm.Images.of(t0.classes(), 4, 1);
            TinyPtm.Images images1 = TinyPtm.Images.of(t1.classes(), 4, 2);
            learner.beforeTask(t0, TinyPtm.taskData(t0, images0, run));
            // stand-in for training on task 0: every head value set to 5, outside a fresh layer's range
            headParameters(learner).forEach(p -> p.getArray().subi(p.getArray()).addi(5f));
            learner.afterTask(t0, TinyPtm.taskData(t0, images0, run));
            learner.beforeTask(t1, TinyPtm.taskData(t1, images1, run));
            long d = 128;
            double bound = 1 / Math.sqrt(d);
            for (Parameter p : headParameters(learner)) {
                NDArray a = p.getArray();
                long width = a.getShape().dimension() == 2 ? a.getShape().get(1) : 1;
                float[] v = a.toFloatArray();
                for (int c = 0; c < 4; c++) {
                    boolean isNew = c == 1 || c == 3;
                    for (int j = 0; j < width; j++) {
                        float x = v[(int) (c * width + j)];
                        if (isNew) {
                            assertTrue(Math.abs(x) <= bound, p.getName() + " row " + c + " is not in ±1/√d: " + x);
                        } else {
                            assertEquals(5f, x, 0f, p.getName() + " row " + c + " of an old class changed");
                        }
                    }
                }
                float[] row1 = java.util.Arrays.copyOfRange(v, (int) width, (int) (2 * width));
                float[] row3 = java.util.Arrays.copyOfRange(v, (int) (3 * width), (int) (4 * width));
                assertNotEquals(row1[0], row3[0], "independent draws");
            }
        }
    }

    /** {@code headRows: kept} leaves the rows of new classes as they were. */
    @Test
    void keptHeadRowsAreLeftAlone(@TempDir Path dir) {
        TaskInfo t0 = new TaskInfo(0, "t0", new int[] {0, 2}, 8, 8);
        TaskInfo t1 = new TaskInfo(1, "t1", new int[] {3, 1}, 8, 8);
        ScenarioInfo scenario = TinyPtm.scenario(4, List.of(t0, t1));
        try (NDManager run = NDManager.newBaseManager()) {
            LwfProvider.Config kept = new LwfProvider.Config(null, 2, 3, "current", false, "kept");
            Learner learner = new LwfProvider().create(kept, TinyPtm.context(run, scenario, dir));
            TinyPtm.Images images0 = TinyPtm.Images.of(t0.classes(), 4, 1);
            learner.beforeTask(t0, TinyPtm.taskData(t0, images0, run));
            List<float[]> before = headParameters(learner).stream().map(p -> p.getArray().toFloatArray()).toList();
            learner.beforeTask(t1, TinyPtm.taskData(t1, TinyPtm.Images.of(t1.classes(), 4, 2), run));
            List<float[]> after = headParameters(learner).stream().map(p -> p.getArray().toFloatArray()).toList();
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), after.get(i));
            }
        }
    }

    private static List<Parameter> headParameters(Learner learner) {
        return learner.model().getParameters().stream()
                .filter(e -> e.getKey().contains("head"))
                .map(e -> e.getValue())
                .toList();
    }
}
