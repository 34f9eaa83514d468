package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.data.Scenarios;
import dev.perennial.api.metrics.AccuracyMetric;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Scenario;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's parameter store on the CPU: one fp32 device is bit-identical to a plugin's own store; two replicas
 * (both on the CPU: the store numbers replicas, so the split, the gradient sum and the broadcast run for real)
 * train to the same weights as one; fp16 keeps fp32 master weights and scales the loss.
 */
class ReplicaTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runDir;

    private static ExperimentConfig config(String precision) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", "replica-test");
        node.put("seed", 11);
        node.put("dataset", "blobs");
        node.put("scenario", "class-incremental");
        node.put("learner", "probe");
        Map<String, Object> t = new HashMap<>(Map.of("epochs", 2, "batchSize", 8, "learningRate", 0.1,
                "dataWorkers", 1, "momentum", 0.9, "precision", precision));
        node.set("training", JSON.valueToTree(t));
        return ExperimentFiles.bind(node, "test");
    }

    /** Trains the probe; the store is the plugin's own when {@code store} is null. */
    private RunReport run(ExperimentConfig config, ProbeLearner learner, NDManager m, ReplicaParameterStore store) {
        Scenario s = Scenarios.classIncremental(new BlobData(4, 24, 5), 2);
        TrainingLoop.Plan plan = new TrainingLoop.Plan(config, s,
                new PluginInstance<>("learner", "probe", "1", learner), List.of(), List.of(), Optional.empty(),
                List.<PluginInstance<Metric>>of(new PluginInstance<>("metric-0", "accuracy", "1",
                        new AccuracyMetric())), runDir, m, store == null ? ReplicaParameterStore.plain(m) : store);
        return new TrainingLoop(plan, List.of()).run(Optional.empty());
    }

    @Test
    void oneFp32DeviceThroughTheLoopsStoreIsBitIdenticalToThePluginsOwnStore() {
        float[] own;
        float[] loops;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ProbeLearner p = new ProbeLearner(m.newSubManager());
            run(config("fp32"), p, m, null);
            own = p.weights();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ReplicaParameterStore store = ReplicaParameterStore.plain(m);
            assertTrue(store.passThrough());
            ProbeLearner p = new ProbeLearner(m.newSubManager(), store);
            run(config("fp32"), p, m, store);
            loops = p.weights();
        }
        assertArrayEquals(own, loops, 0f);
    }

    @Test
    void twoReplicasSplitTheBatchSumTheGradientsAndTrainAsOne() {
        float[] one;
        float[] two;
        RunReport r1;
        RunReport r2;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ProbeLearner p = new ProbeLearner(m.newSubManager());
            r1 = run(config("fp32"), p, m, null);
            one = p.weights();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ReplicaParameterStore store = new ReplicaParameterStore(m, DataType.FLOAT32,
                    List.of(Device.cpu(), Device.cpu()));
            ProbeLearner p = new ProbeLearner(m.newSubManager(), store);
            r2 = run(config("fp32"), p, m, store);
            two = p.weights();
        }
        // The same mean gradient, summed in another order: equal to float rounding, and not trivially (the weights
        // moved far from their start).
        assertArrayEquals(one, two, 2e-5f);
        assertEquals(r1.lossCurves().get(1).size(), r2.lossCurves().get(1).size());
        for (int i = 0; i < r1.lossCurves().get(1).size(); i++) {
            assertEquals(r1.lossCurves().get(1).get(i), r2.lossCurves().get(1).get(i), 1e-5);
        }
        assertEquals(r1.accuracyMatrix()[1][0], r2.accuracyMatrix()[1][0], 1e-9);
    }

    @Test
    void fp16KeepsFp32MasterWeightsAndBacksTheLossScaleOffOnce() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ReplicaParameterStore store = new ReplicaParameterStore(m, DataType.FLOAT16, List.of(Device.cpu()));
            ProbeLearner p = new ProbeLearner(m.newSubManager(), store);
            RunReport r = run(config("fp16"), p, m, store);
            assertEquals(DataType.FLOAT32, p.linear.getParameters().get("weight").getArray().getDataType(),
                    "the master weights stay fp32");
            // The probe's loss is fp16 itself: its gradient at the top of the backward pass is the scale, and
            // 65536 is past fp16's largest finite 65504, so the run's first step overflows and is skipped (counted
            // as a NaN skip) and the scale backs off to 32768; a new task's larger loss may overflow once more.
            // An fp32 run of the same probe skips nothing, so these skips are the scaler's.
            assertTrue(r.nanSkipsPerTask().get(0) >= 1, "the first step overflows at 65536: " + r.nanSkipsPerTask());
            assertTrue(r.nanSkips() <= 4, "a few backoffs, not a stream of skips: " + r.nanSkipsPerTask());
            assertTrue(r.accuracyMatrix()[1][1] > 0.8, "fp16 training still learns: " + r.accuracyMatrix()[1][1]);
        }
    }

    @Test
    void aLearnerWithItsOwnStoreIsToldToUseFp32OnOneDevice() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ReplicaParameterStore store = new ReplicaParameterStore(m, DataType.FLOAT32,
                    List.of(Device.cpu(), Device.cpu()));
            ProbeLearner own = new ProbeLearner(m.newSubManager());
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> run(config("fp32"), own, m, store));
            assertTrue(e.getMessage().startsWith("learner 'probe' does not read its parameters through"
                    + " PluginContext.parameterStore()"), e.getMessage());
        }
    }
}
