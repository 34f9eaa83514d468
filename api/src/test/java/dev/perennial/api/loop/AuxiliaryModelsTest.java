package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.RunReport;
import dev.perennial.api.TaskLossTerms;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.data.Scenarios;
import dev.perennial.api.events.EvaluationEvent;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.metrics.AccuracyMetric;
import dev.perennial.spi.AuxiliaryModels;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training-only plugin scores its own models on the evaluation batches ({@link AuxiliaryModels}): the loop scores
 * them with the first metric into report.json's other metrics as PLUGIN.MODEL; and report.json's per-task loss-term
 * summaries ({@code lossTerms}).
 */
class AuxiliaryModelsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLASSES = 4;

    @TempDir
    Path runDir;

    /** The probe, which also hands its evaluation logits to auxiliary models (as distill-student does). */
    private static final class OutputProbe extends ProbeLearner {
        int outputCalls;

        OutputProbe(NDManager manager) {
            super(manager);
        }

        @Override
        public LossTerms evaluationOutputs(Batch batch, StepContext step) {
            outputCalls++;
            NDArray x = batch.input("image").reshape(batch.size(), 4);
            NDArray logits = linear.forward(new ai.djl.training.ParameterStore(step.manager(), false), new NDList(x),
                    false).singletonOrThrow();
            return LossTerms.none().withOutput("logits", logits);
        }
    }

    /**
     * A distiller with three auxiliary models of known scores: {@code oracle} predicts the labels (accuracy 1),
     * {@code off-by-one} the next class (accuracy 0), {@code echo} the arg-max of the learner's evaluation logits
     * (the learner's own accuracy).
     */
    private static final class ScoringDistiller implements Distiller, AuxiliaryModels {
        final List<Boolean> trainingFlags = new ArrayList<>();
        List<String> declared = List.of("oracle", "off-by-one", "echo");
        String extra;

        @Override
        public LossTerms loss(Batch batch, LossTerms student, StepContext step) {
            return LossTerms.none();
        }

        @Override
        public List<String> auxiliaryModels() {
            return declared;
        }

        @Override
        public Map<String, Predictions> predictAuxiliary(Batch batch, LossTerms learner, StepContext step) {
            trainingFlags.add(step.training());
            long[] labels = batch.requireLabels().toLongArray();
            long[] next = new long[labels.length];
            for (int i = 0; i < labels.length; i++) {
                next[i] = (labels[i] + 1) % CLASSES;
            }
            NDArray logits = learner.output("logits").orElseThrow(() -> new AssertionError("no learner logits"));
            Map<String, Predictions> out = new LinkedHashMap<>();
            out.put("oracle", Predictions.ofClasses(labels));
            out.put("off-by-one", Predictions.ofClasses(next));
            out.put("echo", Predictions.ofClasses(logits.argMax(1).toLongArray()));
            if (extra != null) {
                out.put(extra, Predictions.ofClasses(labels));
            }
            return out;
        }
    }

    private static ExperimentConfig config(Map<String, Object> training) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", "auxiliary-test");
        node.put("seed", 3);
        node.put("dataset", "blobs");
        node.put("scenario", "class-incremental");
        node.put("learner", "probe");
        node.set("training", JSON.valueToTree(training));
        return ExperimentFiles.bind(node, "test");
    }

    private RunReport run(ProbeLearner learner, Distiller distiller, NDManager manager, RunListener... listeners) {
        TrainingLoop.Plan plan = new TrainingLoop.Plan(config(Map.of("epochs", 2, "batchSize", 8, "evalBatchSize", 5,
                "logEverySteps", 1, "dataWorkers", 1)), Scenarios.classIncremental(new BlobData(CLASSES, 24, 2), 2),
                new PluginInstance<>("learner", "probe", "1", learner), List.of(),
                List.of(new PluginInstance<>("distiller-0", "scorer", "1", distiller)), Optional.empty(),
                List.<PluginInstance<Metric>>of(new PluginInstance<>("metric-0", "accuracy", "1",
                        new AccuracyMetric())), runDir, manager);
        return new TrainingLoop(plan, List.of(listeners)).run(Optional.empty());
    }

    @Test
    void auxiliaryModelsAreScoredWithTheFirstMetricBesideTheLearnersMatrix() throws Exception {
        List<EvaluationEvent> events = new ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void onEvaluation(EvaluationEvent e) {
                events.add(e);
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            OutputProbe learner = new OutputProbe(m.newSubManager());
            ScoringDistiller distiller = new ScoringDistiller();
            RunReport r = run(learner, distiller, m, listener);
            assertEquals(List.of("scorer.oracle", "scorer.off-by-one", "scorer.echo"),
                    List.copyOf(r.otherMetrics().keySet()));
            double[][] oracle = r.otherMetrics().get("scorer.oracle");
            assertArrayEquals(new double[] {1.0, Double.NaN}, oracle[0], 0.0, "row 1: task 1 not yet trained");
            assertArrayEquals(new double[] {1.0, 1.0}, oracle[1], 0.0);
            assertArrayEquals(new double[] {0.0, Double.NaN}, r.otherMetrics().get("scorer.off-by-one")[0], 0.0);
            assertArrayEquals(new double[] {0.0, 0.0}, r.otherMetrics().get("scorer.off-by-one")[1], 0.0);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(r.accuracyMatrix()[i], r.otherMetrics().get("scorer.echo")[i], 0.0,
                        "the learner's outputs reach the auxiliary model: row " + i);
            }
            assertTrue(distiller.trainingFlags.stream().noneMatch(b -> b), "evaluation steps");
            // One learner pass per evaluation batch, shared by every auxiliary model.
            assertEquals(distiller.trainingFlags.size(), learner.outputCalls);
            assertEquals(2, events.size());
            assertArrayEquals(new double[] {1.0, 1.0}, events.get(1).otherScores().get("scorer.oracle"), 0.0);
            // The rows are in report.json, NaN as null, and read back.
            JsonNode report = JSON.readTree(JSON.writeValueAsString(r));
            assertTrue(report.at("/otherMetrics/scorer.oracle/0/1").isNull(), report.toString());
            assertEquals(1.0, report.at("/otherMetrics/scorer.oracle/1/1").asDouble(), 0.0);
        }
    }

    @Test
    void anUndeclaredOrBadlyNamedModelIsRefusedNamingThePlugin() {
        try (NDManager m = NDManager.newBaseManager()) {
            ScoringDistiller undeclared = new ScoringDistiller();
            undeclared.extra = "ghost";
            String msg = assertThrows(IllegalStateException.class,
                    () -> run(new OutputProbe(m.newSubManager()), undeclared, m)).getMessage();
            assertTrue(msg.contains("distiller-0 'scorer' predicted with auxiliary model 'ghost', which it does not"
                    + " declare"), msg);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ScoringDistiller badName = new ScoringDistiller();
            badName.declared = List.of("Oracle");
            String msg = assertThrows(IllegalStateException.class,
                    () -> run(new OutputProbe(m.newSubManager()), badName, m)).getMessage();
            assertTrue(msg.contains("distiller-0 'scorer': auxiliary model name 'Oracle' must match [a-z0-9-]+"),
                    msg);
        }
    }

    @Test
    void withoutAuxiliaryModelsTheLearnersOutputsAreNotComputed() {
        try (NDManager m = NDManager.newBaseManager()) {
            OutputProbe learner = new OutputProbe(m.newSubManager());
            Distiller plain = (batch, student, step) -> LossTerms.none();
            RunReport r = run(learner, plain, m);
            assertEquals(0, learner.outputCalls);
            assertTrue(r.otherMetrics().isEmpty(), r.otherMetrics().keySet().toString());
        }
    }

    /** With a step event at every step, a term's summary is its loss curve's mean, first and last tenth. */
    @Test
    void lossTermSummariesAreEachTasksMeansOfTheLoggedTerms() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            RunReport r = run(new OutputProbe(m.newSubManager()), (batch, student, step) -> LossTerms.none(), m);
            assertEquals(2, r.lossTerms().size());
            for (int t = 0; t < 2; t++) {
                TaskLossTerms s = r.lossTerms().get(t);
                List<Double> curve = r.lossCurves().get(t);
                assertEquals(t, s.task());
                assertEquals(curve.size(), s.loggedSteps(), "logEverySteps 1: every step is logged");
                assertEquals(List.of("ce"), List.copyOf(s.mean().keySet()));
                assertEquals(mean(curve), s.mean().get("ce"), 1e-6);
                int tenth = Math.max(1, curve.size() / 10);
                assertEquals(mean(curve.subList(0, tenth)), s.first().get("ce"), 1e-6);
                assertEquals(mean(curve.subList(curve.size() - tenth, curve.size())), s.last().get("ce"), 1e-6);
            }
            String json = JSON.writeValueAsString(r);
            assertEquals(r.lossTerms().get(1).mean().get("ce"), JSON.readTree(json).at("/lossTerms/1/mean/ce")
                    .asDouble(), 0.0);
            assertEquals(r.lossTerms(), JSON.readValue(json, RunReport.class).lossTerms());
        }
    }

    @Test
    void lossTermSummariesCoverOnlyTheLoggedSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingLoop.Plan plan = new TrainingLoop.Plan(config(Map.of("epochs", 2, "batchSize", 8,
                    "logEverySteps", 4, "dataWorkers", 1)), Scenarios.classIncremental(new BlobData(CLASSES, 24, 2),
                    2), new PluginInstance<>("learner", "probe", "1", new ProbeLearner(m.newSubManager())),
                    List.of(), List.of(), Optional.empty(), List.<PluginInstance<Metric>>of(new PluginInstance<>(
                            "metric-0", "accuracy", "1", new AccuracyMetric())), runDir, m);
            RunReport r = new TrainingLoop(plan, List.of()).run(Optional.empty());
            // 48 examples per task, batch 8, 2 epochs: 12 steps; logged at 4, 8 and 12.
            List<Double> curve = r.lossCurves().get(0);
            assertEquals(12, curve.size());
            assertEquals(3, r.lossTerms().get(0).loggedSteps());
            assertEquals(mean(List.of(curve.get(3), curve.get(7), curve.get(11))),
                    r.lossTerms().get(0).mean().get("ce"), 1e-6);
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
