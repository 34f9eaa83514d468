package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.data.Scenarios;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.StepEvent;
import dev.perennial.api.metrics.AccuracyMetric;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared loop against a probe learner whose loss and hooks the tests steer (DESIGN §3). */
class TrainingLoopTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runDir;

    private static ExperimentConfig config(Map<String, Object> training) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", "loop-test");
        node.put("seed", 7);
        node.put("dataset", "blobs");
        node.put("scenario", "class-incremental");
        node.put("learner", "probe");
        node.set("training", JSON.valueToTree(training));
        return ExperimentFiles.bind(node, "test");
    }

    private RunReport run(ExperimentConfig config, Scenario scenario, ProbeLearner learner, NDManager manager,
                          RunListener... listeners) {
        TrainingLoop.Plan plan = new TrainingLoop.Plan(config, scenario,
                new PluginInstance<>("learner", "probe", "1", learner), List.of(), List.of(), Optional.empty(),
                List.<PluginInstance<Metric>>of(new PluginInstance<>("metric-0", "accuracy", "1",
                        new AccuracyMetric())), runDir, manager);
        return new TrainingLoop(plan, List.of(listeners)).run(Optional.empty());
    }

    @Test
    void trainsEveryTaskAndFillsTheLowerTriangle() {
        try (NDManager m = NDManager.newBaseManager()) {
            Scenario s = Scenarios.classIncremental(new BlobData(4, 40, 1), 2);
            RunReport r = run(config(Map.of("epochs", 3, "batchSize", 8, "learningRate", 0.1, "dataWorkers", 2)),
                    s, new ProbeLearner(m.newSubManager()), m);
            assertEquals(2, r.accuracyMatrix().length);
            assertTrue(Double.isNaN(r.accuracyMatrix()[0][1]), "a future task is not evaluated by default");
            assertTrue(r.accuracyMatrix()[0][0] > 0.9, "blobs are separable: " + r.accuracyMatrix()[0][0]);
            assertEquals(2, r.lossCurves().size());
            assertEquals(30, r.lossCurves().get(0).size(), "80 examples, batch 8, 3 epochs = 30 steps");
        }
    }

    /** Evaluation reports every batch of every task it scores, for the progress bar (issue 18). */
    @Test
    void evaluationReportsEachBatch() {
        List<dev.perennial.api.events.EvaluationProgress> seen = new java.util.ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void onEvaluationProgress(dev.perennial.api.events.EvaluationProgress e) {
                seen.add(e);
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            Scenario s = Scenarios.classIncremental(new BlobData(4, 40, 1), 2);
            ExperimentConfig c = config(Map.of("epochs", 1, "batchSize", 8, "evalBatchSize", 7));
            run(c, s, new ProbeLearner(m.newSubManager()), m, listener);
            List<String> expected = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                for (int j = 0; j <= t; j++) {
                    long batches = (s.tasks().get(j).test().size() + 6) / 7;
                    for (long b = 1; b <= batches; b++) {
                        expected.add(t + "/" + j + "/" + (t + 1) + "/" + b + "/" + batches);
                    }
                }
            }
            assertEquals(expected, seen.stream().map(e -> e.trainedTask() + "/" + e.evaluatedTask() + "/"
                    + e.tasksToEvaluate() + "/" + e.batch() + "/" + e.batches()).toList());
        }
    }

    @Test
    void gradientAccumulationOfTwoHalvesEqualsOneFullBatch() {
        float[] accumulated;
        float[] full;
        Scenario s = Scenarios.classIncremental(new BlobData(2, 4, 3), 2);
        Map<String, Object> common = Map.of("momentum", 0.0, "schedule", "constant", "learningRate", 0.5);
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner a = new ProbeLearner(m.newSubManager());
            Map<String, Object> t = new java.util.HashMap<>(common);
            t.put("batchSize", 4);
            t.put("accumulationSteps", 2);
            run(config(t), s, a, m);
            accumulated = a.weights();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner b = new ProbeLearner(m.newSubManager());
            Map<String, Object> t = new java.util.HashMap<>(common);
            t.put("batchSize", 8);
            run(config(t), s, b, m);
            full = b.weights();
        }
        assertArrayEquals(full, accumulated, 1e-6f);
    }

    @Test
    void hooksReadGradientsAndGradientsAreClearedBetweenSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ProbeLearner(m.newSubManager());
            // d/dw sum(w) = 1 everywhere: a second step would read 2 if gradients accumulated across steps.
            p.lossOverride = (batch, step) -> p.linear.getParameters().get("weight").getArray().sum();
            run(config(Map.of("batchSize", 8, "schedule", "constant")),
                    Scenarios.classIncremental(new BlobData(2, 8, 3), 2), p, m);
            assertEquals(2, p.gradientsAfterBackward.size());
            for (float[] g : p.gradientsAfterBackward) {
                for (float v : g) {
                    assertEquals(1f, v, 0f);
                }
            }
            assertArrayEquals(p.gradientsAfterBackward.get(1), p.gradientsAfterStep.get(1), 0f,
                    "afterStep still reads the step's gradients");
        }
    }

    @Test
    void afterStepReadsTheClippedGradientTheOptimizerUsed() {
        // Issue 17 item 6: torch clips in place before optimizer.step(), so a hook after the step (LLaCA's EMA)
        // sees the clipped gradient; afterBackward, before clipping, sees the raw one.
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ProbeLearner(m.newSubManager());
            p.lossOverride = (batch, step) -> Scalars.mul(p.linear.getParameters().get("weight").getArray().sum(), 1000f);
            Scenario s = Scenarios.classIncremental(new BlobData(2, 4, 3), 2);
            float[][] before = new float[1][];
            RunListener capture = new RunListener() {
                @Override
                public void onTaskStart(dev.perennial.spi.TaskInfo task, long steps) {
                    before[0] = p.weights();
                }
            };
            run(config(Map.of("batchSize", 8, "momentum", 0.0, "schedule", "constant", "learningRate", 1.0,
                    "gradientClipNorm", 0.5)), s, p, m, capture);
            // weight (4, 4) with gradient 1000 everywhere, the bias none (zeros): global norm 4000, scale 0.5/4000
            float clipped = (float) (1000 * (0.5 / (4000 + 1e-6)));
            for (float g : p.gradientsAfterBackward.get(0)) {
                assertEquals(1000f, g, 0f);
            }
            float[] after = p.weights();
            float[] last = p.gradientsAfterStep.get(p.gradientsAfterStep.size() - 1); // the last task's one step
            for (int i = 0; i < after.length; i++) {
                float g = last[i];
                assertEquals(clipped, g, 1e-9f, "afterStep reads the clipped gradient");
                assertEquals(before[0][i] - after[i], g, 1e-6f, "the gradient the SGD step (lr 1) applied");
            }
        }
    }

    @Test
    void clippingBoundsTheUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ProbeLearner(m.newSubManager());
            // Scalars.mul, not mul(1000f): DJL frees a Number operand's scalar before the backward pass reads it.
            p.lossOverride = (batch, step) -> Scalars.mul(p.linear.getParameters().get("weight").getArray().sum(), 1000f);
            Scenario s = Scenarios.classIncremental(new BlobData(2, 4, 3), 2);
            float[][] before = new float[1][];
            RunListener capture = new RunListener() {
                @Override
                public void onTaskStart(dev.perennial.spi.TaskInfo task, long steps) {
                    before[0] = p.weights();
                }
            };
            run(config(Map.of("batchSize", 8, "momentum", 0.0, "schedule", "constant", "learningRate", 1.0,
                    "gradientClipNorm", 0.5)), s, p, m, capture);
            float[] after = p.weights();
            double norm = 0;
            for (int i = 0; i < after.length; i++) {
                norm += (after[i] - before[0][i]) * (after[i] - before[0][i]);
            }
            assertEquals(0.5, Math.sqrt(norm), 1e-3, "one step of lr 1 moves by the clipped norm");
        }
    }

    @Test
    void nanGuardSkipsTheStepAndCountsIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ProbeLearner(m.newSubManager());
            p.nanAtSteps.add(1L);
            List<StepEvent> steps = new ArrayList<>();
            RunReport r = run(config(Map.of("batchSize", 4, "logEverySteps", 1)),
                    Scenarios.classIncremental(new BlobData(2, 8, 3), 2), p, m, new RunListener() {
                        @Override
                        public void onStep(StepEvent e) {
                            steps.add(e);
                        }
                    });
            assertEquals(1, r.nanSkips());
            assertTrue(steps.get(1).skipped());
            assertTrue(Double.isFinite(r.accuracyMatrix()[0][0]));
            for (float w : p.weights()) {
                assertTrue(Float.isFinite(w), "a skipped NaN step leaves the weights finite");
            }
        }
    }

    @Test
    void nanGuardFailPolicyStopsWithAClearMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ProbeLearner(m.newSubManager());
            p.nanAtSteps.add(0L);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> run(
                    config(Map.of("batchSize", 4, "nanPolicy", "fail")),
                    Scenarios.classIncremental(new BlobData(2, 8, 3), 2), p, m));
            assertTrue(e.getMessage().contains("nanPolicy"), e.getMessage());
            assertTrue(e.getMessage().contains("task-0") || e.getMessage().contains("task"), e.getMessage());
        }
    }

    @Test
    void sameSeedSameMetrics() {
        double[][] first;
        double[][] second;
        Scenario s = Scenarios.classIncremental(new BlobData(4, 20, 5), 2);
        Map<String, Object> t = Map.of("batchSize", 8, "epochs", 2);
        try (NDManager m = NDManager.newBaseManager()) {
            first = run(config(t), s, new ProbeLearner(m.newSubManager()), m).accuracyMatrix();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            second = run(config(t), s, new ProbeLearner(m.newSubManager()), m).accuracyMatrix();
        }
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i], 0.0);
        }
    }

    @Test
    void nativeMemoryStaysFlatAcrossSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDManager plugin = m.newSubManager();
            ProbeLearner p = new ProbeLearner(plugin);
            List<Integer> counts = new ArrayList<>();
            run(config(Map.of("batchSize", 4, "epochs", 6, "logEverySteps", 1)),
                    Scenarios.classIncremental(new BlobData(2, 16, 3), 2), p, m, new RunListener() {
                        @Override
                        public void onStep(StepEvent e) {
                            counts.add(((BaseNDManager) m).getManagedArrays().size()
                                    + ((BaseNDManager) plugin).getManagedArrays().size());
                        }
                    });
            assertEquals(48, counts.size());
            assertEquals(counts.get(2), counts.get(counts.size() - 1),
                    "arrays held by the run and the plugin after step 3 vs the last step: " + counts);
            assertNotEquals(0, counts.get(2));
        }
    }

    @Test
    void aLearnerWithNothingToTrainSkipsTheStepsAndIsStillEvaluated() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ProbeLearner(m.newSubManager()) {
                @Override
                public void beforeTask(dev.perennial.spi.TaskInfo task, dev.perennial.spi.TaskData data) {
                    super.beforeTask(task, data);
                    linear.freezeParameters(true);
                }
            };
            RunReport r = run(config(Map.of("batchSize", 8)),
                    Scenarios.classIncremental(new BlobData(4, 8, 3), 2), p, m);
            assertEquals(0, r.lossCurves().get(0).size());
            assertTrue(p.gradientsAfterBackward.isEmpty());
            assertTrue(Double.isFinite(r.accuracyMatrix()[1][0]));
        }
    }

    @Test
    void aSkippedTaskCountsItsStepsInTheStepSeedsOfLaterTasks() {
        // A first session loaded from a file (SAFE's firstSessionModel) has nothing to train: task 2 must draw the
        // same step seeds (dropout, replay samples) as in the run that trained task 1.
        List<Long> trained = task2Seeds(false);
        List<Long> skipped = task2Seeds(true);
        assertEquals(6, trained.size());
        assertEquals(trained, skipped);
    }

    private List<Long> task2Seeds(boolean skipFirstTask) {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Long> seeds = new ArrayList<>();
            ProbeLearner p = new ProbeLearner(m.newSubManager()) {
                @Override
                public void beforeTask(dev.perennial.spi.TaskInfo task, dev.perennial.spi.TaskData data) {
                    super.beforeTask(task, data);
                    linear.freezeParameters(skipFirstTask && task.index() == 0);
                }

                @Override
                public dev.perennial.spi.LossTerms loss(dev.perennial.spi.Batch batch, dev.perennial.spi.StepContext step) {
                    if (step.task() == 1) {
                        seeds.add(step.seed());
                    }
                    return super.loss(batch, step);
                }
            };
            RunReport r = run(config(Map.of("batchSize", 8, "epochs", 2)),
                    Scenarios.classIncremental(new BlobData(4, 12, 3), 2), p, m);
            assertEquals(skipFirstTask ? 0 : 6, r.lossCurves().get(0).size());
            return seeds;
        }
    }
}
