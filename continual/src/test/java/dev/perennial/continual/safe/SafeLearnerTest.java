package dev.perennial.continual.safe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.continual.ptm.RidgeHead;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code safe} through its SPI methods on a tiny random ViT, three tasks of two classes each, the way the
 * loop does (one gradient collector per step, a plain SGD update here), and checks safe.md §6 S4, S11, S15.
 */
class SafeLearnerTest {
    @TempDir
    Path dir;

    private static final int CLASSES = 6;

    private static SafeConfig config(Path checkpoint) {
        return SafeConfig.defaults()
                .withBackbone(TinyPtm.backbone(checkpoint.toString(), "adapter"))
                .withProjectionWidth(32);
    }

    private static List<TaskInfo> tasks() {
        return List.of(new TaskInfo(0, "t0", new int[] {0, 1}, 8, 4),
                new TaskInfo(1, "t1", new int[] {2, 3}, 8, 4),
                new TaskInfo(2, "t2", new int[] {4, 5}, 8, 4));
    }

    /** The sum of every trainable parameter's values, by name. */
    private static Map<String, Double> checksums(Block block) {
        Map<String, Double> out = new java.util.TreeMap<>();
        ParameterNames.of(block).forEach((n, p) -> {
            double s = 0;
            for (float v : p.getArray().toFloatArray()) {
                s += Math.abs(v);
            }
            out.put(n, s);
        });
        return out;
    }

    private static Set<String> trainable(Block block) {
        Set<String> out = new TreeSet<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getKey());
            }
        }
        return out;
    }

    /** What the loop does for a step: loss inside one collector, backward, SGD on the trainable parameters. */
    private static LossTerms step(SafeLearner learner, NDManager root, TinyPtm.Images images, int task) {
        try (NDManager m = root.newSubManager()) {
            Batch batch = images.batch(m, 0, images.size(), task);
            LossTerms terms;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                terms = learner.loss(batch, TinyPtm.step(m, task, true));
                NDArray total = null;
                for (NDArray t : terms.terms().values()) {
                    total = total == null ? t : total.add(t);
                }
                c.backward(total);
            }
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray w = p.getValue().getArray();
                    w.subi(w.getGradient().mul(0.01f));
                }
            }
            for (Map.Entry<String, NDArray> e : terms.terms().entrySet()) {
                assertFalse(Float.isNaN(e.getValue().getFloat()), e.getKey() + " is NaN");
            }
            return terms;
        }
    }

    /** {@link #step}, returning the terms' values (the arrays die with the step's manager). */
    private static Map<String, Float> stepValues(SafeLearner learner, NDManager root, TinyPtm.Images images,
                                                 int task) {
        Map<String, Float> values = new java.util.TreeMap<>();
        try (NDManager m = root.newSubManager()) {
            Batch batch = images.batch(m, 0, images.size(), task);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms terms = learner.loss(batch, TinyPtm.step(m, task, true));
                NDArray total = null;
                for (Map.Entry<String, NDArray> e : terms.terms().entrySet()) {
                    total = total == null ? e.getValue() : total.add(e.getValue());
                    values.put(e.getKey(), e.getValue().getFloat());
                }
                c.backward(total);
            }
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray w = p.getValue().getArray();
                    w.subi(w.getGradient().mul(0.01f));
                }
            }
        }
        return values;
    }

    @Test
    void runsThreeTasksFreezingWhatTheSpecFreezes() throws Exception {
        Path ckpt = TinyPtm.writeCheckpoint(dir, 5);
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            ScenarioInfo scenario = TinyPtm.scenario(CLASSES, tasks());
            SafeLearner learner = new SafeLearner(config(ckpt), TinyPtm.context(root, scenario, dir), "safe");
            SafeNet net = learner.net();

            // Task 1: the slow PET module and head train; the PTM weights come from the checkpoint.
            TaskInfo t0 = tasks().get(0);
            TinyPtm.Images d0 = TinyPtm.Images.of(t0.classes(), 4, 1);
            TaskData data0 = TinyPtm.taskData(t0, d0, root);
            learner.beforeTask(t0, data0);
            try (TensorSource src = Checkpoints.open(ckpt)) {
                NDArray stored = src.read("blocks.0.attn.qkv.weight", root);
                assertArrayEquals(stored.toFloatArray(),
                        ParameterNames.of(net.ptm()).get("blocks.0.attn.qkv.weight").getArray().toFloatArray());
            }
            assertTrue(trainable(net).stream().allMatch(n -> n.contains("slow")), trainable(net).toString());
            assertTrue(trainable(net).stream().anyMatch(n -> n.contains("adaptmlp")));
            Map<String, Double> ptm = checksums(net.ptm());
            LossTerms first = step(learner, root, d0, 0);
            assertEquals(Set.of("ce", "diag", "rdn"), first.terms().keySet());
            step(learner, root, d0, 0);
            learner.afterTask(t0, data0);

            // S11: the fast learner starts as the slow one; S15: pooled statistics are one G, Q for both heads.
            assertEquals(checksums(net.slow()), checksums(net.fast()));
            assertArrayEquals(net.slowHead().weight().getArray().toFloatArray(),
                    net.fastHead().weight().getArray().toFloatArray());
            assertTrue(learner.slowRidge().orElseThrow().sharesStatisticsWith(learner.fastRidge().orElseThrow()));
            RidgeHead ridge = learner.slowRidge().orElseThrow();
            double lambda = ridge.lambda();
            assertTrue(List.of(1e3, 1e4, 1e5, 1e6, 1e7, 1e8).contains(lambda));

            // Prediction reads nothing back into the heads: λ and G are those of the training data.
            float[] gram = ridge.gram().toFloatArray();
            try (NDManager m = root.newSubManager()) {
                TinyPtm.Images test = TinyPtm.Images.of(t0.classes(), 2, 99);
                Predictions p = learner.predict(test.batch(m, 0, test.size(), 0), TinyPtm.step(m, 0, false));
                assertEquals(test.size(), p.size());
                for (long c : p.classes().orElseThrow()) {
                    assertTrue(c == 0 || c == 1, "only seen classes are predicted, got " + c);
                }
            }
            assertEquals(lambda, ridge.lambda());
            assertArrayEquals(gram, ridge.gram().toFloatArray());

            // Tasks 2 and 3: only the fast PET module and head train; the slow learner and the PTM never move.
            Map<String, Double> slow = checksums(net.slow());
            float[] slowHead = net.slowHead().weight().getArray().toFloatArray();
            for (int t = 1; t < 3; t++) {
                TaskInfo info = tasks().get(t);
                TinyPtm.Images d = TinyPtm.Images.of(info.classes(), 4, 10 + t);
                TaskData data = TinyPtm.taskData(info, d, root);
                learner.beforeTask(info, data);
                assertTrue(trainable(net).stream().allMatch(n -> n.contains("fast")), trainable(net).toString());
                Map<String, Float> terms = stepValues(learner, root, d, t);
                assertEquals(Set.of("ce", "cos", "cc"), terms.keySet());
                assertTrue(terms.get("cos") >= -1e-5f, "Σ(1 − cos) is not negative");
                step(learner, root, d, t);
                learner.afterTask(info, data);
                assertEquals(slow, checksums(net.slow()));
                assertArrayEquals(slowHead, net.slowHead().weight().getArray().toFloatArray());
                assertEquals(ptm, checksums(net.ptm()));
            }
            assertNotEquals(checksums(net.slow()), checksums(net.fast()), "the fast learner has moved");

            try (NDManager m = root.newSubManager()) {
                TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2, 3, 4, 5}, 2, 98);
                Predictions p = learner.predict(test.batch(m, 0, test.size(), 2), TinyPtm.step(m, 2, false));
                float[][] scores = p.scores().orElseThrow();
                for (float[] row : scores) {
                    double sum = 0;
                    for (float v : row) {
                        assertFalse(Float.isNaN(v));
                        sum += v;
                    }
                    assertEquals(1.0, sum, 1e-4);
                }
            }

            // A fresh learner restored from the state predicts the same.
            PluginState state;
            try (NDManager m = root.newSubManager()) {
                state = learner.saveState(TinyPtm.step(m, 2, false));
                assertEquals(3, state.number("tasksTrained").intValue());
                SafeLearner restored = new SafeLearner(config(ckpt), TinyPtm.context(root, scenario, dir), "safe");
                restored.loadState(state);
                List<Parameter> from = learner.model().getParameters().values();
                List<Parameter> to = restored.model().getParameters().values();
                for (int i = 0; i < from.size(); i++) {
                    from.get(i).getArray().copyTo(to.get(i).getArray());
                }
                TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2, 3, 4, 5}, 1, 97);
                Batch b = test.batch(m, 0, test.size(), 2);
                assertArrayEquals(learner.predict(b, TinyPtm.step(m, 2, false)).classes().orElseThrow(),
                        restored.predict(b, TinyPtm.step(m, 2, false)).classes().orElseThrow());
            }
        }
    }

    @Test
    void separateStatisticsAndEveryPetTrain() throws Exception {
        for (String pet : List.of("ssf", "vpt")) {
            try (NDManager root = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(2);
                ScenarioInfo scenario = TinyPtm.scenario(CLASSES, tasks());
                SafeConfig base = SafeConfig.defaults().withBackbone(TinyPtm.backbone("", pet)).withProjectionWidth(16);
                SafeConfig cfg = new SafeConfig(base.backbone(), 0.01, 10, 1, 0, 100, "entropy", 16,
                        List.of(1e3, 1e4), false, false, "official", true, "mean", "float64", 4, false, true);
                SafeLearner learner = new SafeLearner(cfg, TinyPtm.context(root, scenario, dir), "safe");
                for (int t = 0; t < 2; t++) {
                    TaskInfo info = tasks().get(t);
                    TinyPtm.Images d = TinyPtm.Images.of(info.classes(), 3, t);
                    TaskData data = TinyPtm.taskData(info, d, root);
                    learner.beforeTask(info, data);
                    assertFalse(trainable(learner.net()).isEmpty(), pet);
                    LossTerms terms = step(learner, root, d, t);
                    assertFalse(terms.terms().containsKey("cc"), "λ_cc = 0 drops the cross-classification term");
                    learner.afterTask(info, data);
                }
                assertNotEquals(learner.slowRidge().orElseThrow(), learner.fastRidge().orElseThrow());
                // imprintSlowHeadNewClasses: the slow rows of task-2 classes are class means, not zero.
                float[] w = learner.net().slowHead().weight().getArray().toFloatArray();
                double row2 = 0;
                for (int i = 2 * TinyPtm.DIM; i < 3 * TinyPtm.DIM; i++) {
                    row2 += Math.abs(w[i]);
                }
                assertTrue(row2 > 0, pet);
            }
        }
    }

    /** Trains three tasks (two steps each) with the given config; returns the learner. */
    private SafeLearner trainThreeTasks(SafeConfig cfg, NDManager root, Path work) {
        Engine.getInstance().setRandomSeed(3);
        ScenarioInfo scenario = TinyPtm.scenario(CLASSES, tasks());
        SafeLearner learner = new SafeLearner(cfg, TinyPtm.context(root, scenario, work), "safe");
        for (TaskInfo info : tasks()) {
            TinyPtm.Images d = TinyPtm.Images.of(info.classes(), 4, info.index());
            TaskData data = TinyPtm.taskData(info, d, root);
            learner.beforeTask(info, data);
            step(learner, root, d, info.index());
            step(learner, root, d, info.index());
            learner.afterTask(info, data);
        }
        return learner;
    }

    /** Accuracy of the learner's predictions on a labelled test batch of every class, as task {@code task}. */
    private static double accuracy(SafeLearner learner, NDManager root, int task) {
        try (NDManager m = root.newSubManager()) {
            TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2, 3, 4, 5}, 5, 70);
            Batch batch = test.batch(m, 0, test.size(), task);
            long[] predicted = learner.predict(batch, TinyPtm.step(m, 2, false)).classes().orElseThrow();
            long[] labels = batch.requireLabels().toLongArray();
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            return (double) correct / labels.length;
        }
    }

    @Test
    void headReportScoresTheAblationsOfOneTrainedRunAsTheirOwnConfigsPredict() throws Exception {
        Path ckpt = TinyPtm.writeCheckpoint(dir, 5);
        SafeConfig base = config(ckpt).withReportHeads(true);
        Map<String, Double> reported = new java.util.LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager()) {
            Path work = java.nio.file.Files.createDirectories(dir.resolve("entropy"));
            SafeLearner learner = trainThreeTasks(base, root, work);
            double predicted = accuracy(learner, root, 1);
            InferenceHeadReport report = learner.headReport().orElseThrow();
            Map<String, double[][]> m = report.matrices();
            assertEquals(InferenceHeadReport.HEADS, List.copyOf(m.keySet()));
            m.forEach((head, matrix) -> reported.put(head, matrix[2][1]));
            // The entropy head is the prediction itself.
            assertEquals(predicted, reported.get("entropy"), 1e-12);
            // The file in the work directory holds the same counts.
            InferenceHeadReport read = InferenceHeadReport.read(work.resolve(InferenceHeadReport.FILE_NAME));
            assertEquals(reported.get("slow-own"), read.matrices().get("slow-own")[2][1], 1e-12);
            // So does the matrices file that the loop adds to report.json (otherMetrics safe.HEAD), NaN as null.
            com.google.gson.JsonObject matrices = com.google.gson.JsonParser.parseString(java.nio.file.Files
                    .readString(work.resolve(InferenceHeadReport.MATRICES_FILE_NAME))).getAsJsonObject();
            assertEquals(InferenceHeadReport.HEADS, List.copyOf(matrices.keySet()));
            for (String head : InferenceHeadReport.HEADS) {
                assertEquals(reported.get(head), matrices.getAsJsonArray(head).get(2).getAsJsonArray().get(1)
                        .getAsDouble(), 1e-12, head);
            }
            double[][] slowOwn = m.get("slow-own");
            com.google.gson.JsonArray written = matrices.getAsJsonArray("slow-own");
            assertEquals(slowOwn.length, written.size());
            for (int k = 0; k < slowOwn.length; k++) {
                for (int j = 0; j < slowOwn[k].length; j++) {
                    com.google.gson.JsonElement cell = written.get(k).getAsJsonArray().get(j);
                    if (Double.isNaN(slowOwn[k][j])) {
                        assertTrue(cell.isJsonNull(), k + "," + j);
                    } else {
                        assertEquals(slowOwn[k][j], cell.getAsDouble(), 1e-12, k + "," + j);
                    }
                }
            }
            // With pooled statistics, the own-statistics heads are separate ridge heads.
            assertNotEquals(learner.slowRidge().orElseThrow(), learner.slowOwnRidge().orElseThrow());
        }
        // The same training with inference slow / fast / γ 0 predicts what the report scored for that head.
        Map<String, SafeConfig> ablations = Map.of(
                "slow", withInference(base, "slow", base.gamma()),
                "fast", withInference(base, "fast", base.gamma()),
                "average", withInference(base, "entropy", 0.0));
        Map<String, Double> actual = new java.util.TreeMap<>();
        Map<String, Double> expected = new java.util.TreeMap<>();
        for (Map.Entry<String, SafeConfig> a : ablations.entrySet()) {
            try (NDManager root = NDManager.newBaseManager()) {
                Path work = java.nio.file.Files.createDirectories(dir.resolve(a.getKey()));
                SafeLearner learner = trainThreeTasks(a.getValue(), root, work);
                actual.put(a.getKey(), accuracy(learner, root, 1));
                expected.put(a.getKey(), reported.get(a.getKey()));
            }
        }
        assertEquals(expected, actual, reported.toString());
    }

    private static SafeConfig withInference(SafeConfig c, String inference, double gamma) {
        return new SafeConfig(c.backbone(), c.lambdaDiag(), c.lambdaRdn(), c.lambdaCos(), c.lambdaCc(), gamma,
                inference, c.projectionWidth(), c.ridgeLambdas(), c.sharedRandomProjection(),
                c.sharedRidgeStatistics(), c.pooledStatisticsOrder(), c.imprintSlowHeadNewClasses(),
                c.cosLossReduction(), c.ridgeSolvePrecision(), c.featureBatchSize(), c.reportHeads(),
                c.secondForward());
    }

    @Test
    void configErrorsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SafeConfig(null,
                -1, 0, 0, 0, 0, null, 10, null, true, true, null, false, null, null, 8, false, true));
        assertEquals("safe: 'lambdaDiag' must be a finite number >= 0, was -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PtmBackboneConfig.defaults().withPet("lora"));
        assertTrue(e.getMessage().contains("backbone.pet 'lora'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SafeConfig(null, 0, 0, 0, 0, 0, null, 10, null,
                false, true, null, false, null, null, 8, false, true));
        assertTrue(e.getMessage().contains("sharedRandomProjection"), e.getMessage());
    }

    @Test
    void imagesOfAnotherSizeAreRefusedBeforeAnythingIsBuilt() {
        try (NDManager root = NDManager.newBaseManager()) {
            ScenarioInfo scenario = new ScenarioInfo("x", List.of("a", "b"), List.of(),
                    Map.of("image", new long[] {3, 32, 32}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SafeLearner(
                    SafeConfig.defaults().withBackbone(TinyPtm.backbone("", "adapter")),
                    TinyPtm.context(root, scenario, dir), "safe"));
            assertTrue(e.getMessage().contains("backbone.imageSize is 8"), e.getMessage());
        }
    }

    @Test
    void aMissingCheckpointIsNamed() {
        try (NDManager root = NDManager.newBaseManager()) {
            ScenarioInfo scenario = TinyPtm.scenario(CLASSES, tasks());
            SafeLearner learner = new SafeLearner(config(dir.resolve("nope.safetensors")),
                    TinyPtm.context(root, scenario, dir), "safe");
            TaskInfo t0 = tasks().get(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> learner.beforeTask(t0, TinyPtm.taskData(t0, TinyPtm.Images.of(t0.classes(), 1, 0), root)));
            assertTrue(e.getMessage().contains("backbone.checkpoint") && e.getMessage().contains("nope.safetensors"),
                    e.getMessage());
        }
    }
}
