package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.RunReport;
import dev.perennial.api.checkpoint.CheckpointManifest;
import dev.perennial.api.checkpoint.CheckpointStore;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.data.Scenarios;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.StepEvent;
import dev.perennial.api.metrics.AccuracyMetric;
import dev.perennial.api.metrics.TopKAccuracyMetric;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.StepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume with several metrics, cumulative timings, missing cells as JSON null, and the NaN guard's skip share and
 * messages (issue 16).
 */
class ResumeRobustnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /**
     * The probe with class scores, so that top-k metrics apply, and its model built when created (as real learners
     * do), so that a resume can load it before the first task starts.
     */
    private static class ScoringProbe extends ProbeLearner {
        ScoringProbe(NDManager manager) {
            super(manager);
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            linear.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 4));
        }

        @Override
        public void beforeTask(dev.perennial.spi.TaskInfo task, dev.perennial.spi.TaskData data) {}

        @Override
        public Predictions predict(Batch batch, StepContext step) {
            NDArray x = batch.input("image").reshape(batch.size(), 4);
            NDArray logits = linear.forward(new ai.djl.training.ParameterStore(step.manager(), false), new NDList(x),
                    false).singletonOrThrow();
            float[] flat = logits.toFloatArray();
            float[][] scores = new float[batch.size()][4];
            for (int i = 0; i < scores.length; i++) {
                System.arraycopy(flat, 4 * i, scores[i], 0, 4);
            }
            return Predictions.ofScores(scores);
        }
    }

    /** Crashes the run right after a checkpoint with this tag is written. */
    private static RunListener crashAfter(String tag) {
        return new RunListener() {
            @Override
            public void onCheckpoint(Path directory) {
                if (directory.getFileName().toString().equals(tag)) {
                    throw new IllegalStateException("simulated crash after " + tag);
                }
            }
        };
    }

    private static ExperimentConfig config(Map<String, Object> training, int checkpointEverySteps) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", "resume-robustness");
        node.put("seed", 5);
        node.put("dataset", "blobs");
        node.put("scenario", "class-incremental");
        node.put("learner", "probe");
        node.put("checkpointEverySteps", checkpointEverySteps);
        node.set("training", JSON.valueToTree(training));
        return ExperimentFiles.bind(node, "test");
    }

    private static RunReport run(ExperimentConfig config, Path runDir, NDManager manager, ProbeLearner learner,
                                 Optional<Path> resumeFrom, RunListener... listeners) {
        List<PluginInstance<Metric>> metrics = List.of(
                new PluginInstance<>("metric-0", "accuracy", "1", new AccuracyMetric()),
                new PluginInstance<>("metric-1", "top2-accuracy", "1", new TopKAccuracyMetric(2, "top2-accuracy")),
                new PluginInstance<>("metric-2", "top3-accuracy", "1", new TopKAccuracyMetric(3, "top3-accuracy")));
        Scenario scenario = Scenarios.classIncremental(new BlobData(4, 12, 3), 2);
        TrainingLoop.Plan plan = new TrainingLoop.Plan(config, scenario,
                new PluginInstance<>("learner", "probe", "1", learner), List.of(), List.of(), Optional.empty(),
                metrics, runDir, manager);
        return new TrainingLoop(plan, List.of(listeners)).run(resumeFrom);
    }

    private static final Map<String, Object> TRAINING = Map.of("batchSize", 4, "epochs", 2, "dataWorkers", 1);

    @Test
    void resumeWithThreeMetricsInTheMiddleOfATaskEqualsAnUninterruptedRun() throws Exception {
        ExperimentConfig config = config(TRAINING, 4);
        RunReport uninterrupted;
        try (NDManager m = NDManager.newBaseManager()) {
            uninterrupted = run(config, tmp.resolve("a"), m, new ScoringProbe(m.newSubManager()), Optional.empty());
        }
        Path runDir = tmp.resolve("b");
        // 24 examples per task, batch 4, 2 epochs: 12 steps a task; step 16 is in the middle of task 1, after the
        // task-0 row of every metric (with a NaN cell for the future task) is in the checkpoint.
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> run(config, runDir, m,
                    new ScoringProbe(m.newSubManager()), Optional.empty(), crashAfter("step-16")));
        }
        Path checkpoint = new CheckpointStore(runDir).latest().orElseThrow();
        assertEquals("step-16", checkpoint.getFileName().toString());
        JsonNode manifest = JSON.readTree(checkpoint.resolve("manifest.json").toFile());
        assertFalse(manifest.toString().contains("NaN"), "no \"NaN\" strings in the manifest: " + manifest);
        assertTrue(manifest.at("/otherMatrixRows/top2-accuracy/0/1").isNull(), manifest.toString());
        assertTrue(manifest.at("/matrixRows/0/1").isNull(), manifest.toString());

        RunReport resumed;
        try (NDManager m = NDManager.newBaseManager()) {
            resumed = run(config, runDir, m, new ScoringProbe(m.newSubManager()), Optional.of(checkpoint));
        }
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(uninterrupted.accuracyMatrix()[i], resumed.accuracyMatrix()[i], 0.0, "row " + i);
            for (String metric : List.of("top2-accuracy", "top3-accuracy")) {
                assertArrayEquals(uninterrupted.otherMetrics().get(metric)[i], resumed.otherMetrics().get(metric)[i],
                        0.0, metric + " row " + i);
            }
        }
        assertEquals(uninterrupted.lossCurves(), resumed.lossCurves());
        assertEquals(2, resumed.otherMetrics().size());
        // The term summaries cover the steps logged before the crash too (kept in the checkpoint).
        assertEquals(2, uninterrupted.lossTerms().size());
        assertEquals(uninterrupted.lossTerms(), resumed.lossTerms());
    }

    /** Has nothing to train in the first task (as a first session loaded from a file); records task 2's seeds. */
    private static final class SkipsFirstTask extends ScoringProbe {
        final List<Long> seeds = new ArrayList<>();

        SkipsFirstTask(NDManager manager) {
            super(manager);
        }

        @Override
        public void beforeTask(dev.perennial.spi.TaskInfo task, dev.perennial.spi.TaskData data) {
            linear.freezeParameters(task.index() == 0);
        }

        @Override
        public dev.perennial.spi.LossTerms loss(Batch batch, StepContext step) {
            seeds.add(step.seed());
            return super.loss(batch, step);
        }
    }

    @Test
    void aResumeAfterASkippedTaskKeepsItsStepsInTheStepSeeds() throws Exception {
        ExperimentConfig config = config(TRAINING, 4);
        List<Long> uninterrupted;
        try (NDManager m = NDManager.newBaseManager()) {
            SkipsFirstTask p = new SkipsFirstTask(m.newSubManager());
            run(config, tmp.resolve("a"), m, p, Optional.empty());
            uninterrupted = p.seeds;
        }
        assertEquals(12, uninterrupted.size());
        Path runDir = tmp.resolve("b");
        // task 1 has no steps, so step-4 is the fourth step of task 2
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> run(config, runDir, m,
                    new SkipsFirstTask(m.newSubManager()), Optional.empty(), crashAfter("step-4")));
        }
        Path checkpoint = new CheckpointStore(runDir).latest().orElseThrow();
        assertEquals("step-4", checkpoint.getFileName().toString());
        try (NDManager m = NDManager.newBaseManager()) {
            SkipsFirstTask p = new SkipsFirstTask(m.newSubManager());
            run(config, runDir, m, p, Optional.of(checkpoint));
            assertEquals(uninterrupted.subList(4, 12), p.seeds);
        }
    }

    @Test
    void aResumedRunKeepsTheTimingsOfTheRunBeforeIt() throws Exception {
        ExperimentConfig config = config(TRAINING, 4);
        Path runDir = tmp.resolve("run");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> run(config, runDir, m,
                    new ScoringProbe(m.newSubManager()), Optional.empty(), crashAfter("step-16")));
        }
        CheckpointStore store = new CheckpointStore(runDir);
        Path checkpoint = store.latest().orElseThrow();
        Map<String, Double> before = store.readManifest(checkpoint).timings();
        assertTrue(before.get("total") > 0 && before.get("train") > 0 && before.get("evaluate") > 0
                && before.get(RunReport.CPU_TIMING) > 0, before.toString());
        RunReport resumed;
        try (NDManager m = NDManager.newBaseManager()) {
            resumed = run(config, runDir, m, new ScoringProbe(m.newSubManager()), Optional.of(checkpoint));
        }
        for (String k : List.of("total", "train", "evaluate", "checkpoint", RunReport.CPU_TIMING)) {
            assertTrue(resumed.timings().get(k) >= before.get(k),
                    k + ": " + resumed.timings() + " must include the " + before + " before the resume");
        }
        assertTrue(resumed.timings().get("total") >= resumed.timings().get("train")
                + resumed.timings().get("evaluate"), resumed.timings().toString());
    }

    @Test
    void legacyManifestsWithNaNStringsAndNullCellsStillResume() throws Exception {
        ExperimentConfig config = config(TRAINING, 0);
        Path runDir = tmp.resolve("legacy");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> run(config, runDir, m,
                    new ScoringProbe(m.newSubManager()), Optional.empty(), crashAfter("task-0")));
        }
        Path checkpoint = runDir.resolve("checkpoints/task-0");
        // Rewrite the manifest as format 1 did: other metrics under extra.otherMetrics, empty cells "NaN".
        ObjectNode manifest = (ObjectNode) JSON.readTree(checkpoint.resolve("manifest.json").toFile());
        ObjectNode extra = (ObjectNode) manifest.get("extra");
        ObjectNode legacy = extra.putObject("otherMetrics");
        manifest.get("otherMatrixRows").fields().forEachRemaining(e -> {
            var rows = legacy.putArray(e.getKey());
            for (JsonNode row : e.getValue()) {
                var r = rows.addArray();
                row.forEach(c -> {
                    if (c.isNull()) {
                        r.add("NaN");
                    } else {
                        r.add(c.asDouble());
                    }
                });
            }
        });
        manifest.remove(List.of("otherMatrixRows", "checksums", "timings", "nanSkipsPerTask"));
        manifest.put("formatVersion", 1);
        var row0 = (com.fasterxml.jackson.databind.node.ArrayNode) manifest.get("matrixRows").get(0);
        row0.set(1, JSON.getNodeFactory().textNode("NaN"));
        Files.writeString(checkpoint.resolve("manifest.json"), manifest.toString());
        List<String> warnings = new ArrayList<>();
        Path found = new CheckpointStore(runDir).latest(warnings::add).orElseThrow();
        assertEquals(checkpoint, found);
        assertTrue(warnings.toString().contains("cannot be verified"), warnings.toString());
        RunReport resumed;
        try (NDManager m = NDManager.newBaseManager()) {
            resumed = run(config, runDir, m, new ScoringProbe(m.newSubManager()), Optional.of(found));
        }
        assertTrue(Double.isNaN(resumed.otherMetrics().get("top2-accuracy")[0][1]));
        assertTrue(Double.isFinite(resumed.otherMetrics().get("top3-accuracy")[1][1]));
    }

    @Test
    void reportJsonWritesMissingCellsAsNullAndReadsThemBackAsNaN() throws Exception {
        RunReport report;
        try (NDManager m = NDManager.newBaseManager()) {
            report = run(config(TRAINING, 0), tmp.resolve("r"), m, new ScoringProbe(m.newSubManager()),
                    Optional.empty());
        }
        String json = JSON.writeValueAsString(report);
        assertFalse(json.contains("NaN"), json);
        JsonNode tree = JSON.readTree(json);
        assertTrue(tree.at("/accuracyMatrix/0/1").isNull());
        assertTrue(tree.at("/otherMetrics/top3-accuracy/0/1").isNull());
        assertTrue(tree.at("/summary/forwardTransfer").isNull());
        RunReport back = JSON.readValue(json, RunReport.class);
        assertTrue(Double.isNaN(back.accuracyMatrix()[0][1]));
        assertTrue(Double.isNaN(back.otherMetrics().get("top3-accuracy")[0][1]));
        assertEquals(report.accuracyMatrix()[1][0], back.accuracyMatrix()[1][0], 0.0);
        assertTrue(Double.isNaN(back.summary().forwardTransfer()));
        String legacy = json.replace("null", "\"NaN\"");
        assertTrue(Double.isNaN(JSON.readValue(legacy, RunReport.class).accuracyMatrix()[0][1]));
    }

    @Test
    void aTaskWithMoreThanTheAllowedShareOfSkippedStepsFailsNamingTaskCountAndOption() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ScoringProbe(m.newSubManager());
            // Task 0 has 12 steps; NaN at every other step, never two in a row (maxNanSkips does not trigger).
            for (long s = 0; s < 12; s += 2) {
                p.nanAtSteps.add(s);
            }
            p.nanAtSteps.add(11L);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> run(
                    config(Map.of("batchSize", 4, "epochs", 2, "maxSkippedShare", 0.5), 0), tmp.resolve("s"), m,
                    p, Optional.empty()));
            assertTrue(e.getMessage().contains("task-0") || e.getMessage().contains("task 0"), e.getMessage());
            assertTrue(e.getMessage().contains("7 of its 12 steps"), e.getMessage());
            assertTrue(e.getMessage().contains("training.maxSkippedShare = 0.5"), e.getMessage());
        }
    }

    @Test
    void skippedStepsAreCountedPerTaskInEventsAndTheReport() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ScoringProbe(m.newSubManager());
            p.nanAtSteps.add(2L);
            p.nanAtSteps.add(5L);
            List<StepEvent> last = new ArrayList<>();
            RunReport r = run(config(Map.of("batchSize", 4, "epochs", 2, "logEverySteps", 100), 0),
                    tmp.resolve("c"), m, p, Optional.empty(), new RunListener() {
                        @Override
                        public void onStep(StepEvent e) {
                            last.add(e);
                        }
                    });
            assertEquals(List.of(2L, 0L), r.nanSkipsPerTask());
            assertEquals(2, r.nanSkips());
            assertEquals(2, last.get(0).skippedSteps(), "the task's last step event counts its skips");
        }
    }

    @Test
    void aNonFiniteStepMessageShowsTheStepsTermsAlsoOffLoggingSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            ProbeLearner p = new ScoringProbe(m.newSubManager());
            p.nanAtSteps.add(1L);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> run(
                    config(Map.of("batchSize", 4, "nanPolicy", "fail", "logEverySteps", 100), 0), tmp.resolve("n"),
                    m, p, Optional.empty()));
            assertTrue(e.getMessage().contains("terms {ce=NaN}"), e.getMessage());
        }
    }

    @Test
    void maxSkippedShareIsValidatedByTheBinder() {
        Exception e = assertThrows(Exception.class, () -> config(Map.of("maxSkippedShare", 1.5), 0));
        assertTrue(e.getMessage().contains("maxSkippedShare") && e.getMessage().contains("[0, 1]"), e.getMessage());
        assertEquals(0.5, config(Map.of(), 0).training().maxSkippedShare(), 0.0);
    }

    @Test
    void manifestsCarryAChecksumPerFile() {
        try (NDManager m = NDManager.newBaseManager()) {
            run(config(TRAINING, 0), tmp.resolve("k"), m, new ScoringProbe(m.newSubManager()), Optional.empty());
        }
        CheckpointStore store = new CheckpointStore(tmp.resolve("k"));
        CheckpointManifest manifest = store.readManifest(store.latest().orElseThrow());
        assertEquals(CheckpointManifest.FORMAT, manifest.formatVersion());
        assertTrue(manifest.checksums().containsKey("model.safetensors"));
        assertTrue(manifest.checksums().containsKey("optimizer.safetensors"));
        assertEquals(64, manifest.checksums().get("model.safetensors").sha256().length());
    }
}
