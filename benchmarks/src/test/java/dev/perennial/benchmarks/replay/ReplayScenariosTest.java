package dev.perennial.benchmarks.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rehearsal learners on the task- and domain-incremental scenarios, end to end through the loop. */
class ReplayScenariosTest {
    private static final Map<String, Object> LEARNER = Map.of(
            "backbone", Map.of("name", "small-cnn", "channels", 4, "featureDim", 16),
            "memory", Map.of("size", 20, "replayBatchSize", 8));

    private static Perennial.Builder run(Path dir, String scenario, Map<String, Object> config) {
        return run(dir, scenario, config, 1);
    }

    private static Perennial.Builder run(Path dir, String scenario, Map<String, Object> config, int epochs) {
        return Perennial.builder()
                .name("replay-" + scenario)
                .seed(3)
                .dataset("generated-shapes", Map.of("classes", 4, "trainPerClass", 16, "testPerClass", 8))
                .scenario(scenario, config)
                .learner("er", LEARNER)
                .training(Map.of("epochs", epochs, "batchSize", 8, "learningRate", 0.05, "dataWorkers", 1))
                .runDirectory(dir);
    }

    @Test
    void taskIncrementalScoresWithTheTaskIdAndNeverBelowClassIncremental(@TempDir Path tmp) {
        RunReport r = run(tmp, "task-incremental", Map.of("increment", 2)).build().run();
        assertEquals("task-accuracy", r.metric());
        double[][] task = r.accuracyMatrix();
        double[][] plain = r.otherMetrics().get("accuracy");
        for (int i = 0; i < task.length; i++) {
            for (int j = 0; j <= i; j++) {
                // a prediction right over all classes is right over the task's classes
                assertTrue(task[i][j] >= plain[i][j], "row " + i + " task " + j);
                assertTrue(task[i][j] >= 0 && task[i][j] <= 1);
            }
        }
    }

    @Test
    void domainIncrementalRunsEveryClassInEveryTask(@TempDir Path tmp) {
        RunReport r = run(tmp, "domain-incremental", Map.of("tasks", 3, "transform", "permute")).build().run();
        assertEquals(3, r.accuracyMatrix().length);
        assertTrue(r.tasks().get(1).contains("permutation 1"), r.tasks().toString());
    }

    @Test
    void onlineClassIncrementalSeesEveryBatchOnceAndRefusesEpochs(@TempDir Path tmp) {
        RunReport r = run(tmp.resolve("a"), "online-class-incremental", Map.of("increment", 2)).build().run();
        // 32 training examples per task in batches of 8: 4 steps, one pass
        r.lossCurves().forEach(curve -> assertEquals(4, curve.size()));
        Exception e = assertThrows(Exception.class,
                () -> run(tmp.resolve("b"), "online-class-incremental", Map.of("increment", 2), 2).build().run());
        String message = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("training.epochs to 1"), message);
    }
}
