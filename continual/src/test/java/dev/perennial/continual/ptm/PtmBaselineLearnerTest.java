package dev.perennial.continual.ptm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PTM baselines driven through their SPI methods on a tiny ViT (two tasks of two classes). */
class PtmBaselineLearnerTest {
    @TempDir
    Path dir;

    private static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "t0", new int[] {0, 1}, 8, 4),
            new TaskInfo(1, "t1", new int[] {2, 3}, 8, 4));

    private static Set<String> trainable(Block block) {
        Set<String> out = new TreeSet<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getKey());
            }
        }
        return out;
    }

    private static void step(PtmBaselineLearner learner, NDManager root, TinyPtm.Images images, int task) {
        try (NDManager m = root.newSubManager()) {
            Batch batch = images.batch(m, 0, images.size(), task);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms terms = learner.loss(batch, TinyPtm.step(m, task, true));
                c.backward(terms.terms().get("ce"));
            }
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray w = p.getValue().getArray();
                    w.subi(w.getGradient().mul(0.01f));
                }
            }
        }
    }

    private PtmBaselineLearner run(PtmBaselineLearner.Method method, boolean adapt, NDManager root,
                                   List<Set<String>> trainablePerTask) {
        Engine.getInstance().setRandomSeed(4);
        ScenarioInfo scenario = TinyPtm.scenario(4, TASKS);
        PtmBaselineLearner learner = new PtmBaselineLearner(method, new PtmBaselineLearner.Settings(
                TinyPtm.backbone("", "adapter"), adapt, true, 24, RidgeHead.SAFE_LAMBDAS,
                RidgeHead.Precision.FLOAT32, 5, 1.0), TinyPtm.context(root, scenario, dir), method.name());
        for (TaskInfo info : TASKS) {
            TinyPtm.Images d = TinyPtm.Images.of(info.classes(), 4, info.index());
            TaskData data = TinyPtm.taskData(info, d, root);
            learner.beforeTask(info, data);
            Set<String> trainable = trainable(learner.model());
            trainablePerTask.add(trainable);
            if (!trainable.isEmpty()) {
                // As the loop does: a session with nothing to train has no steps.
                step(learner, root, d, info.index());
            }
            learner.afterTask(info, data);
        }
        return learner;
    }

    private static long[] predict(PtmBaselineLearner learner, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2, 3}, 3, 50);
            Predictions p = learner.predict(test.batch(m, 0, test.size(), 1), TinyPtm.step(m, 1, false));
            return p.classes().orElseThrow();
        }
    }

    @Test
    void simpleCilPredictsTheNearestPrototypeAndTrainsNothing() {
        try (NDManager root = NDManager.newBaseManager()) {
            List<Set<String>> trainable = new java.util.ArrayList<>();
            PtmBaselineLearner learner = run(PtmBaselineLearner.Method.SIMPLECIL, false, root, trainable);
            for (Set<String> t : trainable) {
                assertTrue(t.isEmpty(), t.toString());
            }
            assertEquals(CosineHead.SIGMA_INIT, learner.scoreHead().orElseThrow().sigma().getArray().getFloat(),
                    1e-6);
            CosineHead scores = learner.scoreHead().orElseThrow();
            // A feature equal to a class prototype has cosine 1 with it: that class wins.
            try (NDManager m = root.newSubManager()) {
                NDArray w = scores.weight().getArray();
                for (int c = 0; c < 4; c++) {
                    NDArray proto = w.get(c).reshape(1, -1);
                    long best = scores.logits(new ParameterStore(m, false), proto, false).argMax(1).getLong(0);
                    assertEquals(c, best);
                }
            }
            long[] predicted = predict(learner, root);
            assertEquals(12, predicted.length);
        }
    }

    @Test
    void aperTunesThePetOnlyInTheFirstTask() {
        try (NDManager root = NDManager.newBaseManager()) {
            List<Set<String>> trainable = new java.util.ArrayList<>();
            PtmBaselineLearner learner = run(PtmBaselineLearner.Method.APER, true, root, trainable);
            assertTrue(trainable.get(0).stream().anyMatch(n -> n.contains("adaptmlp")), trainable.get(0).toString());
            assertTrue(trainable.get(0).stream().noneMatch(n -> n.matches("^\\d+ptm_.*")), trainable.get(0).toString());
            assertTrue(trainable.get(1).isEmpty(), trainable.get(1).toString());
            assertEquals(2 * TinyPtm.DIM, learner.scoreHead().orElseThrow().dim(), "[PTM; adapted] features");
            for (long c : predict(learner, root)) {
                assertTrue(c >= 0 && c < 4);
            }
        }
    }

    @Test
    void ranPacSolvesTheRidgeHeadFromTrainingFeaturesOnly() {
        try (NDManager root = NDManager.newBaseManager()) {
            for (boolean adapt : new boolean[] {true, false}) {
                List<Set<String>> trainable = new java.util.ArrayList<>();
                PtmBaselineLearner learner = run(PtmBaselineLearner.Method.RANPAC, adapt, root, trainable);
                RidgeHead ridge = learner.ridge().orElseThrow();
                double lambda = ridge.lambda();
                float[] g = ridge.gram().toFloatArray();
                predict(learner, root);
                assertEquals(lambda, ridge.lambda());
                assertArrayEquals(g, ridge.gram().toFloatArray());
                assertTrue(trainable.get(1).isEmpty(), trainable.get(1).toString());
            }
        }
    }

    /**
     * Issue 17 item 8: official RanPAC scores with σ = 1 (its head is re-created with σ filled with 1), so the
     * scores are softmax(ReLU(φ(x) W_rand) W_oᵀ) of the analytic head itself; item 7: its default grid is its own.
     */
    @Test
    void ranPacScoresAreTheSoftmaxOfTheAnalyticLogitsWithSigmaOne() throws Exception {
        RanPacProvider provider = new RanPacProvider();
        RanPacProvider.Config d = provider.defaultConfig();
        assertEquals(java.util.Arrays.stream(RidgeHead.RANPAC_LAMBDAS).boxed().toList(), d.ridgeLambdas());
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            ScenarioInfo scenario = TinyPtm.scenario(4, TASKS);
            RanPacProvider.Config cfg = new RanPacProvider.Config(TinyPtm.backbone("", "adapter"), false, 8,
                    d.ridgeLambdas(), "float32", 5, d.sigma(), "");
            PtmBaselineLearner learner = (PtmBaselineLearner) provider.create(cfg,
                    TinyPtm.context(root, scenario, dir));
            StringBuilder json = new StringBuilder("{\"method\": \"ranpac\", \"width\": 8, \"classes\": 4, \"grid\": "
                    + d.ridgeLambdas() + ", \"sigma\": " + d.sigma() + ", \"sessions\": [");
            for (TaskInfo info : TASKS) {
                TinyPtm.Images images = TinyPtm.Images.of(info.classes(), 10, info.index());
                TaskData data = TinyPtm.taskData(info, images, root);
                learner.beforeTask(info, data);
                assertTrue(trainable(learner.model()).isEmpty(), "no first-session adaptation: nothing trains");
                learner.afterTask(info, data);
                try (NDManager m = root.newSubManager()) {
                    Batch b = images.batch(m, 0, images.size(), info.index());
                    NDArray wRand = learner.saveState(TinyPtm.step(m, 1, false)).tensor("w_rand");
                    NDArray f = ((PtmBaselineLearner.Net) learner.model()).ptm
                            .features(new ParameterStore(m, false), b.input("image"), false).pooled();
                    RidgeHead ridge = learner.ridge().orElseThrow();
                    json.append(info.index() == 0 ? "" : ", ").append("{\"labels\": ")
                            .append(java.util.Arrays.toString(b.requireLabels().toLongArray()))
                            .append(", \"h\": ").append(java.util.Arrays.toString(RandomProjection.of(wRand).project(f)
                                    .toFloatArray()))
                            .append(", \"fit\": ").append(java.util.Arrays.toString(RidgeHead.splitMask(images.size(),
                                    7 ^ info.index())))
                            .append(", \"lambda\": ").append(ridge.lambda())
                            .append(", \"w\": ").append(java.util.Arrays.toString(ridge.solution().toFloatArray()))
                            .append("}");
                }
            }
            try (NDManager m = root.newSubManager()) {
                TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2, 3}, 2, 50);
                Batch b = test.batch(m, 0, test.size(), 1);
                float[][] scores = learner.predict(b, TinyPtm.step(m, 1, false)).scores().orElseThrow();
                NDArray wRand = learner.saveState(TinyPtm.step(m, 1, false)).tensor("w_rand");
                NDArray f = ((PtmBaselineLearner.Net) learner.model()).ptm
                        .features(new ParameterStore(m, false), b.input("image"), false).pooled();
                NDArray z = RandomProjection.of(wRand).project(f)
                        .matMul(learner.ridge().orElseThrow().solution().transpose());
                float[] expected = z.softmax(1).toFloatArray();
                for (int i = 0; i < scores.length; i++) {
                    for (int c = 0; c < 4; c++) {
                        assertEquals(expected[i * 4 + c], scores[i][c], 1e-5, "sample " + i + " class " + c);
                    }
                }
                json.append("], \"test_h\": ").append(java.util.Arrays.toString(RandomProjection.of(wRand).project(f)
                        .toFloatArray())).append(", \"test_p\": ")
                        .append(java.util.Arrays.toString(java.util.Arrays.stream(scores)
                                .flatMapToDouble(r -> java.util.stream.IntStream.range(0, r.length)
                                        .mapToDouble(i -> r[i])).toArray())).append("}\n");
                String traceDir = System.getProperty("perennial.trace.dir");
                if (traceDir != null) {
                    java.nio.file.Files.createDirectories(Path.of(traceDir));
                    java.nio.file.Files.writeString(Path.of(traceDir, "ranpac-trace.json"), json.toString());
                }
            }
        }
    }

    @Test
    void fineTuningTrainsTheWholeViT() {
        try (NDManager root = NDManager.newBaseManager()) {
            List<Set<String>> trainable = new java.util.ArrayList<>();
            run(PtmBaselineLearner.Method.FINETUNE, false, root, trainable);
            assertTrue(trainable.get(1).stream().anyMatch(n -> n.contains("qkv")), trainable.get(1).toString());
        }
    }

    @Test
    void providersHaveDistinctNamesBesideTheBaselineFinetune() {
        List<String> names = List.of(new SimpleCilProvider().name(), new AperProvider().name(),
                new RanPacProvider().name(), new PtmFinetuneProvider().name(),
                new dev.perennial.continual.baseline.FinetuneProvider().name());
        assertEquals(List.of("simplecil", "aper", "ranpac", "ptm-finetune", "finetune"), names);
        assertEquals(64, new SimpleCilProvider().defaultConfig().featureBatchSize());
        assertEquals(10000, new RanPacProvider().defaultConfig().projectionWidth());
    }
}
