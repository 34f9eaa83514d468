package dev.perennial.continual.safe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.perennial.continual.ptm.RandomProjection;
import dev.perennial.continual.ptm.RidgeHead;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, items 1–3: {@code safe} does what the official code ({@code MIFA-Lab/SAFE}, {@code SAFE.py}) does, on
 * a tiny random ViT with three tasks of two classes. Each test also runs {@code withEarlierSdkBehaviour(true)} (this
 * SDK's behaviour before the issue) and checks that it breaks the official expectation, so the test is known to
 * tell the two apart.
 */
class SafeOfficialCodeTest {
    @TempDir
    Path dir;

    private static final int CLASSES = 6;
    private static final int WIDTH = 32;
    /** The plugin seed of {@link TinyPtm#context}. */
    private static final long PLUGIN_SEED = 7;

    private static List<TaskInfo> tasks() {
        return List.of(new TaskInfo(0, "t0", new int[] {0, 1}, 8, 4),
                new TaskInfo(1, "t1", new int[] {2, 3}, 8, 4),
                new TaskInfo(2, "t2", new int[] {4, 5}, 8, 4));
    }

    private static SafeConfig config(Path checkpoint, List<Double> grid, double lambdaDiag) {
        SafeConfig d = SafeConfig.defaults().withBackbone(TinyPtm.backbone(checkpoint.toString(), "adapter"));
        return new SafeConfig(d.backbone(), lambdaDiag, d.lambdaRdn(), d.lambdaCos(), d.lambdaCc(), d.gamma(),
                d.inference(), WIDTH, grid, true, true, "official", false, "sum", "float64", 64, false, true);
    }

    /** One SGD step as the loop does it (one collector, backward, update of the trainable parameters). */
    private static void step(SafeLearner learner, NDManager root, TinyPtm.Images images, int task) {
        try (NDManager m = root.newSubManager()) {
            Batch batch = images.batch(m, 0, images.size(), task);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms terms = learner.loss(batch, TinyPtm.step(m, task, true));
                NDArray total = null;
                for (NDArray t : terms.terms().values()) {
                    total = total == null ? t : total.add(t);
                }
                c.backward(total);
            }
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray w = p.getValue().getArray();
                    w.subi(w.getGradient().mul(0.05f));
                }
            }
        }
    }

    /** What one task leaves behind: each head's W_o and λ, and the projected rows of the task's data. */
    private record TaskTrace(float[] fastSolution, float[] slowSolution, double fastLambda, double slowLambda,
                             float[] hFast, float[] hSlow, long[] labels) {}

    /** Trains the three tasks (two steps each) and records, after each, the heads and the projected rows. */
    private List<TaskTrace> train(SafeConfig cfg, NDManager root) {
        return train(cfg, root, 4);
    }

    private List<TaskTrace> train(SafeConfig cfg, NDManager root, int perClass) {
        Engine.getInstance().setRandomSeed(3);
        ScenarioInfo scenario = TinyPtm.scenario(CLASSES, tasks());
        SafeLearner learner = new SafeLearner(cfg, TinyPtm.context(root, scenario, dir), "safe");
        List<TaskTrace> out = new ArrayList<>();
        for (TaskInfo info : tasks()) {
            TinyPtm.Images d = TinyPtm.Images.of(info.classes(), perClass, info.index());
            TaskData data = TinyPtm.taskData(info, d, root);
            learner.beforeTask(info, data);
            step(learner, root, d, info.index());
            step(learner, root, d, info.index());
            learner.afterTask(info, data);
            try (NDManager m = root.newSubManager()) {
                Batch b = d.batch(m, 0, d.size(), info.index());
                ParameterStore store = new ParameterStore(m, false);
                NDArray wRand = learner.saveState(TinyPtm.step(m, info.index(), false)).tensor("slow_w_rand");
                RandomProjection projection = RandomProjection.of(wRand);
                NDArray x = b.input("image");
                float[] hf = projection.project(learner.net().fast().features(store, x, false).pooled())
                        .toFloatArray();
                float[] hs = projection.project(learner.net().slow().features(store, x, false).pooled())
                        .toFloatArray();
                RidgeHead fast = learner.fastRidge().orElseThrow();
                RidgeHead slow = learner.slowRidge().orElseThrow();
                out.add(new TaskTrace(fast.solution().toFloatArray(), slow.solution().toFloatArray(),
                        fast.lambda(), slow.lambda(), hf, hs, b.requireLabels().toLongArray()));
            }
        }
        return out;
    }

    /** G and Q in double precision, accumulated by hand. */
    private static final class Statistics {
        final double[][] g = new double[WIDTH][WIDTH];
        final double[][] q = new double[WIDTH][CLASSES];

        void add(float[] h, long[] y) {
            for (int k = 0; k < y.length; k++) {
                for (int i = 0; i < WIDTH; i++) {
                    double hi = h[k * WIDTH + i];
                    for (int j = 0; j < WIDTH; j++) {
                        g[i][j] += hi * h[k * WIDTH + j];
                    }
                    q[i][(int) y[k]] += hi;
                }
            }
        }

        /** W_o = ((G + λI)⁻¹ Q)ᵀ by Gauss-Jordan elimination, row-major (C, M). */
        double[] solve(double lambda) {
            double[][] a = new double[WIDTH][WIDTH + CLASSES];
            for (int i = 0; i < WIDTH; i++) {
                for (int j = 0; j < WIDTH; j++) {
                    a[i][j] = g[i][j] + (i == j ? lambda : 0);
                }
                System.arraycopy(q[i], 0, a[i], WIDTH, CLASSES);
            }
            for (int col = 0; col < WIDTH; col++) {
                double pivot = a[col][col];
                for (int j = 0; j < WIDTH + CLASSES; j++) {
                    a[col][j] /= pivot;
                }
                for (int row = 0; row < WIDTH; row++) {
                    if (row != col) {
                        double f = a[row][col];
                        for (int j = 0; j < WIDTH + CLASSES; j++) {
                            a[row][j] -= f * a[col][j];
                        }
                    }
                }
            }
            double[] w = new double[CLASSES * WIDTH];
            for (int c = 0; c < CLASSES; c++) {
                for (int i = 0; i < WIDTH; i++) {
                    w[c * WIDTH + i] = a[i][WIDTH + c];
                }
            }
            return w;
        }
    }

    /** The largest |actual − expected| relative to the largest |expected|. */
    private static double relativeError(float[] actual, double[] expected) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }

    /**
     * Item 1: per task, the fast head is solved on the accumulated G, Q plus the fast rows of the task; the slow
     * rows are then added and the slow head is solved on the result ({@code replace_fc}, then
     * {@code replace_fc_branch}). In task 1 the two learners are one model, so its rows enter twice. One λ in the
     * grid keeps the λ rule (item 2) out of it.
     */
    @Test
    void fastHeadIsSolvedBeforeTheSlowRowsJoinTheStatistics() throws Exception {
        Path ckpt = TinyPtm.writeCheckpoint(dir, 5);
        SafeConfig official = config(ckpt, List.of(10.0), 5e-10);
        for (boolean earlier : new boolean[] {false, true}) {
            try (NDManager root = NDManager.newBaseManager()) {
                List<TaskTrace> trace = train(official.withEarlierSdkBehaviour(earlier), root);
                Statistics stats = new Statistics();
                double worstFast = 0;
                double worstSlow = 0;
                for (TaskTrace t : trace) {
                    stats.add(t.hFast(), t.labels());
                    double[] fast = stats.solve(10.0);
                    stats.add(t.hSlow(), t.labels());
                    double[] slow = stats.solve(10.0);
                    worstFast = Math.max(worstFast, relativeError(t.fastSolution(), fast));
                    worstSlow = Math.max(worstSlow, relativeError(t.slowSolution(), slow));
                }
                if (!earlier) {
                    assertTrue(worstFast < 1e-4, "fast head off the official solution by " + worstFast);
                    assertTrue(worstSlow < 1e-4, "slow head off the official solution by " + worstSlow);
                } else {
                    // The joint solve gives both heads the slow head's solution: the fast one is then wrong.
                    assertTrue(worstSlow < 1e-4, "joint: slow head " + worstSlow);
                    assertTrue(worstFast > 1e-2, "joint: the fast head should differ, " + worstFast);
                }
            }
        }
    }

    /**
     * Item 2: each head picks its own λ on its own current-task rows, fitted on a random 80 % and scored on the
     * rest; the split seeds are {@code seed ^ (0x5AFE << 20) ^ task} (slow) and that + 1 (fast).
     */
    @Test
    void eachHeadPicksItsOwnLambdaOnItsOwnRows() throws Exception {
        Path ckpt = TinyPtm.writeCheckpoint(dir, 5);
        List<Double> grid = java.util.Arrays.stream(RidgeHead.RANPAC_LAMBDAS).boxed().toList();
        double[] gridArray = RidgeHead.RANPAC_LAMBDAS;
        SafeConfig official = config(ckpt, grid, 5e-10);
        for (boolean earlier : new boolean[] {false, true}) {
            try (NDManager root = NDManager.newBaseManager()) {
                List<TaskTrace> trace = train(official.withEarlierSdkBehaviour(earlier), root);
                int mismatches = 0;
                List<String> chosen = new ArrayList<>();
                for (int task = 0; task < trace.size(); task++) {
                    TaskTrace t = trace.get(task);
                    long seed = PLUGIN_SEED ^ (0x5AFEL << 20) ^ task;
                    NDManager m = root.newSubManager();
                    NDArray y = m.create(t.labels());
                    double fast = RidgeHead.selectLambda(m.create(t.hFast(), new ai.djl.ndarray.types.Shape(
                            t.labels().length, WIDTH)), y, CLASSES, gridArray, seed + 1, RidgeHead.Precision.FLOAT64);
                    double slow = RidgeHead.selectLambda(m.create(t.hSlow(), new ai.djl.ndarray.types.Shape(
                            t.labels().length, WIDTH)), y, CLASSES, gridArray, seed, RidgeHead.Precision.FLOAT64);
                    m.close();
                    chosen.add(t.fastLambda() + "/" + t.slowLambda() + " expected " + fast + "/" + slow);
                    mismatches += (t.fastLambda() == fast ? 0 : 1) + (t.slowLambda() == slow ? 0 : 1);
                }
                if (!earlier) {
                    assertEquals(0, mismatches, chosen.toString());
                } else {
                    assertNotEquals(0, mismatches, "joint λ should differ here: " + chosen);
                }
            }
        }
    }

    /**
     * Item 3: the terms besides CE come from a second train-mode forward pass of the trained learner, with its own
     * adapter-dropout draw ({@code slow_cm} and {@code fast} call the network again). Re-seeding the engine and
     * running the passes in the learner's order reproduces the terms: the transfer term of task 1 from the second
     * pass of the slow learner, L_cos of task 2 from the second pass of the fast learner.
     */
    @Test
    void extraTermsComeFromASecondTrainModeForward() throws Exception {
        Path ckpt = TinyPtm.writeCheckpoint(dir, 5);
        // λ_diag = 1, so that the task-1 term is not lost in float32 next to CE.
        SafeConfig official = config(ckpt, List.of(10.0), 1.0);
        for (boolean earlier : new boolean[] {false, true}) {
            SafeConfig cfg = official.withEarlierSdkBehaviour(earlier);
            try (NDManager root = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(3);
                ScenarioInfo scenario = TinyPtm.scenario(CLASSES, tasks());
                SafeLearner learner = new SafeLearner(cfg, TinyPtm.context(root, scenario, dir), "safe");
                SafeNet net = learner.net();
                float[][] observed = new float[2][];
                for (int task = 0; task < 2; task++) {
                    TaskInfo info = tasks().get(task);
                    TinyPtm.Images d = TinyPtm.Images.of(info.classes(), 4, info.index());
                    TaskData data = TinyPtm.taskData(info, d, root);
                    learner.beforeTask(info, data);
                    step(learner, root, d, task);
                    try (NDManager m = root.newSubManager()) {
                        Batch b = d.batch(m, 0, d.size(), task);
                        NDArray x = b.input("image");
                        ParameterStore store = new ParameterStore(m, false);
                        Engine.getInstance().setRandomSeed(40 + task);
                        String key = task == 0 ? "diag" : "cos";
                        float actual = learner.loss(b, TinyPtm.step(m, task, true)).terms().get(key).getFloat();
                        // The learner's order: CE pass (draw 1), frozen pass (eval, no draw), second pass (draw 2).
                        Engine.getInstance().setRandomSeed(40 + task);
                        float first;
                        float second;
                        if (task == 0) {
                            NDArray f1 = net.slow().features(store, x, true).pooled();
                            NDArray f0 = net.ptm().features(store, x, false).pooled();
                            NDArray f2 = net.slow().features(store, x, true).pooled();
                            first = SlowFastLosses.transfer(f1, f0).diagonal().getFloat();
                            second = SlowFastLosses.transfer(f2, f0).diagonal().getFloat();
                        } else {
                            NDArray f1 = net.fast().features(store, x, true).pooled();
                            NDArray fs = net.slow().features(store, x, false).pooled();
                            NDArray f2 = net.fast().features(store, x, true).pooled();
                            float lambda = (float) cfg.lambdaCos();
                            first = lambda * SlowFastLosses.cosineAlignment(f1, fs, SlowFastLosses.Reduction.SUM)
                                    .getFloat();
                            second = lambda * SlowFastLosses.cosineAlignment(f2, fs, SlowFastLosses.Reduction.SUM)
                                    .getFloat();
                        }
                        assertNotEquals(first, second, "the two dropout draws must differ for the test to tell");
                        observed[task] = new float[] {actual, first, second};
                    }
                    step(learner, root, d, task);
                    learner.afterTask(info, data);
                }
                for (int task = 0; task < 2; task++) {
                    float[] o = observed[task];
                    float expected = earlier ? o[1] : o[2];
                    assertEquals(expected, o[0], 1e-5 * Math.max(1, Math.abs(expected)),
                            "task " + task + (earlier ? " one forward" : " second forward") + ": term " + o[0]
                                    + ", first pass " + o[1] + ", second pass " + o[2]);
                }
                assertFalse(learner.config().secondForward() == earlier);
            }
        }
    }

    /**
     * Items 1 and 2 together on a larger toy run (10 images per class, RanPAC's wide grid so that λ varies): both
     * heads equal the official order's solutions with the λ each picked on its own rows. With
     * {@code -Dperennial.trace.dir=DIR} the run is also written to {@code DIR/safe-trace.json} for
     * {@code tools/issue17_reference.py}, which recomputes it with PyTorch.
     */
    @Test
    void officialOrderWithEachHeadsOwnLambdaOnALargerRun() throws Exception {
        Path ckpt = TinyPtm.writeCheckpoint(dir, 5);
        double[] grid = RidgeHead.RANPAC_LAMBDAS;
        SafeConfig cfg = config(ckpt, java.util.Arrays.stream(grid).boxed().toList(), 5e-10);
        try (NDManager root = NDManager.newBaseManager()) {
            List<TaskTrace> trace = train(cfg, root, 10);
            Statistics stats = new Statistics();
            StringBuilder json = new StringBuilder("{\"method\": \"safe\", \"width\": " + WIDTH + ", \"classes\": "
                    + CLASSES + ", \"grid\": " + java.util.Arrays.toString(grid) + ", \"sessions\": [");
            for (int task = 0; task < trace.size(); task++) {
                TaskTrace t = trace.get(task);
                int n = t.labels().length;
                long seed = PLUGIN_SEED ^ (0x5AFEL << 20) ^ task;
                try (NDManager m = root.newSubManager()) {
                    NDArray y = m.create(t.labels());
                    ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(n, WIDTH);
                    assertEquals(RidgeHead.selectLambda(m.create(t.hFast(), shape), y, CLASSES, grid, seed + 1,
                            RidgeHead.Precision.FLOAT64), t.fastLambda(), "task " + task + " fast λ");
                    assertEquals(RidgeHead.selectLambda(m.create(t.hSlow(), shape), y, CLASSES, grid, seed,
                            RidgeHead.Precision.FLOAT64), t.slowLambda(), "task " + task + " slow λ");
                }
                stats.add(t.hFast(), t.labels());
                double fastError = relativeError(t.fastSolution(), stats.solve(t.fastLambda()));
                stats.add(t.hSlow(), t.labels());
                double slowError = relativeError(t.slowSolution(), stats.solve(t.slowLambda()));
                assertTrue(fastError < 1e-4 && slowError < 1e-4, "task " + task + ": " + fastError + ", "
                        + slowError);
                json.append(task == 0 ? "" : ", ").append("{\"labels\": ").append(java.util.Arrays.toString(
                        t.labels())).append(", \"h_fast\": ").append(java.util.Arrays.toString(t.hFast()))
                        .append(", \"h_slow\": ").append(java.util.Arrays.toString(t.hSlow()))
                        .append(", \"fit_fast\": ").append(java.util.Arrays.toString(RidgeHead.splitMask(n, seed + 1)))
                        .append(", \"fit_slow\": ").append(java.util.Arrays.toString(RidgeHead.splitMask(n, seed)))
                        .append(", \"lambda_fast\": ").append(t.fastLambda())
                        .append(", \"lambda_slow\": ").append(t.slowLambda())
                        .append(", \"w_fast\": ").append(java.util.Arrays.toString(t.fastSolution()))
                        .append(", \"w_slow\": ").append(java.util.Arrays.toString(t.slowSolution())).append("}");
            }
            writeTrace("safe-trace.json", json.append("]}\n").toString());
        }
    }

    /**
     * {@code setup_RP} and {@code setup_RP_branch} re-create both heads with {@code reset_parameters} after task 1,
     * which fills σ with 10: whatever σ task 1 learnt, both heads then hold σ = 10, and the prediction after task 1
     * is softmax(10 · ReLU(φ_F(x) W_rand) W_oᵀ).
     */
    @Test
    void sigmaReturnsToTenAfterTheFirstTask() throws Exception {
        Path ckpt = TinyPtm.writeCheckpoint(dir, 5);
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            ScenarioInfo scenario = TinyPtm.scenario(CLASSES, tasks());
            SafeLearner learner = new SafeLearner(config(ckpt, List.of(10.0), 5e-10),
                    TinyPtm.context(root, scenario, dir), "safe");
            TaskInfo info = tasks().get(0);
            TinyPtm.Images d = TinyPtm.Images.of(info.classes(), 4, 0);
            TaskData data = TinyPtm.taskData(info, d, root);
            learner.beforeTask(info, data);
            step(learner, root, d, 0);
            step(learner, root, d, 0);
            float learnt = learner.net().slowHead().sigma().getArray().getFloat();
            assertNotEquals(10f, learnt, "task 1 must move σ for the test to tell");
            learner.afterTask(info, data);
            assertEquals(10f, learner.net().slowHead().sigma().getArray().getFloat());
            assertEquals(10f, learner.net().fastHead().sigma().getArray().getFloat());
            try (NDManager m = root.newSubManager()) {
                Batch b = d.batch(m, 0, d.size(), 0);
                float[][] scores = learner.predict(b, TinyPtm.step(m, 0, false)).scores().orElseThrow();
                NDArray wRand = learner.saveState(TinyPtm.step(m, 0, false)).tensor("slow_w_rand");
                NDArray f = learner.net().fast().features(new ParameterStore(m, false), b.input("image"), false)
                        .pooled();
                NDArray z = RandomProjection.of(wRand).project(f)
                        .matMul(learner.fastRidge().orElseThrow().solution().transpose()).mul(10f);
                // Only the classes seen so far (0 and 1) are scored.
                float[] expected = z.get(":, 0:2").softmax(1).toFloatArray();
                for (int i = 0; i < scores.length; i++) {
                    assertEquals(expected[2 * i], scores[i][0], 1e-5, "sample " + i);
                    assertEquals(expected[2 * i + 1], scores[i][1], 1e-5, "sample " + i);
                }
            }
        }
    }

    /** Writes a trace for the reference script when {@code perennial.trace.dir} is set. */
    static void writeTrace(String file, String json) throws java.io.IOException {
        String traceDir = System.getProperty("perennial.trace.dir");
        if (traceDir != null) {
            Path out = Path.of(traceDir);
            java.nio.file.Files.createDirectories(out);
            java.nio.file.Files.writeString(out.resolve(file), json);
        }
    }

    @Test
    void badOrderIsNamed() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SafeConfig(null, 0, 0, 0, 0, 0, null, 10, null, true, true, "pooled", false, null, null, 8,
                        false, true));
        assertEquals("safe: 'pooledStatisticsOrder' must be one of [official, joint], was 'pooled'", e.getMessage());
        assertEquals(Map.of("official", true), Map.of(SafeConfig.defaults().pooledStatisticsOrder(),
                SafeConfig.defaults().secondForward()));
    }
}
