package dev.perennial.benchmarks.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's loop-side plumbing on the smallest workload: what is timed, and what the data probe reads. */
class LoopSidesTest {

    @Test
    void pairedRunTimesEveryMeasuredStepOfBothSides() {
        StepWorkload w = StepWorkload.LLAMA_BLOCK;
        HostTensors pool = new HostTensors(w, 8, 11);
        List<StepTimes> times;
        try (BareDjlSteps bare = new BareDjlSteps(w, 4, pool, 0.01, 0.9)) {
            times = SharedLoopSteps.run(w, 4, 1, 2, 8, 11, 0.01, 0.9, Optional.of(bare));
        }
        assertEquals(List.of("bare-djl", "shared-loop"), times.stream().map(StepTimes::side).toList());
        for (StepTimes t : times) {
            assertEquals(2, t.stepSeconds().length, t.side());
            assertTrue(Arrays.stream(t.stepSeconds()).allMatch(s -> s > 0), t.side());
        }
    }

    @Test
    void tooFewExamplesForTheTenClassesIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedLoopSteps.run(
                StepWorkload.LLAMA_BLOCK, 2, 1, 2, 8, 11, 0.01, 0.9, Optional.empty()));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
    }

    @Test
    void dataProbeReadsEveryTrainingExampleOnce(@TempDir Path runs) {
        RunReport report = Perennial.builder()
                .name("probe")
                .dataset("generated-shapes", Map.of("classes", 2, "trainPerClass", 20, "testPerClass", 5, "size", 16))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner("data-path-probe", Map.of("batchSize", 7, "passes", 2))
                .training(Map.of("dataWorkers", 2, "prefetchBatches", 2))
                .runDirectory(runs)
                .build()
                .run();
        Map<String, Object> v = report.pluginValues().get("learner");
        assertEquals(40L, ((Number) v.get("task0.samples")).longValue());
        assertEquals(6L, ((Number) v.get("task0.batches")).longValue());
        assertTrue(((Number) v.get("task0.pass2.samplesPerSecond")).doubleValue() > 0);
    }
}
