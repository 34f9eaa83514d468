package dev.perennial.samples.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The main job's paired sweep (benchmarks/sweeps/continual-vqa*.yaml, issues #22, #23) stays the main job's
 * configuration: every point has the shipped sample's model (a learner axis value replaces the learner whole, so
 * the files repeat it), data and training, with the compare section dropped; llaca keeps the sample's EMA; the
 * multitask file joins the seven tasks after the base.
 */
class ContinualVqaSweepFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ExperimentConfig SAMPLE =
            ExperimentFiles.read(ROOT.resolve("samples/src/main/resources/dev/perennial/samples/continual-vqa.yaml"));

    private static List<SweepPoint> points(String file) {
        return SweepGrid.expand(SweepFile.read(ROOT.resolve("benchmarks/sweeps").resolve(file)));
    }

    private static void assertTheMainJob(SweepPoint p) {
        ExperimentConfig c = p.config();
        assertEquals(SAMPLE.learner().config().get("model"), c.learner().config().get("model"), p.name());
        assertEquals(SAMPLE.dataset().config(), c.dataset().config(), p.name());
        assertEquals(SAMPLE.training(), c.training(), p.name());
        assertTrue(c.compare() == null || c.compare().learners().isEmpty(), p.name());
    }

    @Test
    void theSequentialSweepIsTheMainJobOverFivePairedSeeds() {
        List<SweepPoint> points = points("continual-vqa.yaml");
        assertEquals(15, points.size());
        assertEquals(List.of("lora-seq", "llaca", "ema-fixed"),
                points.stream().map(SweepPoint::learner).distinct().toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), points.stream().map(SweepPoint::seed).distinct().toList());
        for (SweepPoint p : points) {
            assertTheMainJob(p);
            assertEquals(SAMPLE.scenario().config(), p.config().scenario().config(), p.name());
            if (p.learner().equals("llaca")) {
                assertEquals(SAMPLE.learner().config().get("ema"), p.config().learner().config().get("ema"));
            }
        }
    }

    @Test
    void theMultitaskSweepJoinsTheSevenTasksAfterTheBase() {
        List<SweepPoint> points = points("continual-vqa-multitask.yaml");
        assertEquals(5, points.size());
        for (SweepPoint p : points) {
            assertTheMainJob(p);
            assertEquals("multitask", p.config().learner().name());
            JsonNode scenario = p.config().scenario().config();
            assertTrue(scenario.path("joint").asBoolean(), p.name());
            assertEquals(1, scenario.path("jointFrom").asInt(), p.name());
            assertEquals(SAMPLE.scenario().config().get("tasks"), scenario.get("tasks"), p.name());
        }
        assertFalse(points.get(0).name().contains("multitask-multitask"), points.get(0).name());
    }
}
