package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An fp16 run ({@code training.precision: fp16}) stopped after a mid-task checkpoint and resumed ends with exactly
 * the metrics, loss curves and skipped-step count of an uninterrupted run: the dynamic loss scaler's scale and its
 * clean-step counter travel in the checkpoint's manifest. The cross-entropy is weighted 2000 (with a learning rate
 * 2000 times smaller), so its gradients overflow fp16 at GradScaler's initial scale 2^16: the scale has backed off
 * by the checkpoint, and a resume that restarted the scaler would skip those steps again and differ.
 */
class HalfPrecisionResumeTest {

    private static Perennial.Builder experiment(Path runs) {
        return Perennial.builder()
                .name("resume-fp16")
                .seed(13)
                .dataset("generated-shapes", Map.of("classes", 4, "trainPerClass", 24, "testPerClass", 8, "size", 16))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner("lwf", Map.of("backbone", Map.of("name", "small-cnn", "channels", 8, "featureDim", 16)))
                .training(Map.of("epochs", 2, "batchSize", 8, "learningRate", 5e-5, "dataWorkers", 1,
                        "precision", "fp16", "lossWeights", Map.of("ce", 2000.0), "maxNanSkips", 30,
                        "maxSkippedShare", 1.0))
                .checkpointEverySteps(4)
                .runDirectory(runs);
    }

    private static Path checkpoint(Path run, String tag) throws Exception {
        try (Stream<Path> s = Files.walk(run)) {
            return s.filter(p -> p.getFileName().toString().equals(tag) && Files.isDirectory(p))
                    .findFirst().orElseThrow(() -> new AssertionError("no checkpoint " + tag + " under " + run));
        }
    }

    @Test
    void resumeInTheMiddleOfAnFp16TaskEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        RunReport uninterrupted = experiment(tmp.resolve("a")).build().run();
        Path runs = tmp.resolve("b");
        assertThrows(IllegalStateException.class,
                () -> experiment(runs).build().run(new ResumeTest.CrashAfter("step-8")));
        Path run = CliTest.onlyRun(runs);

        JsonNode extra = new ObjectMapper().readTree(checkpoint(run, "step-8").resolve("manifest.json").toFile())
                .get("extra");
        assertTrue(extra != null && extra.has("lossScale") && extra.has("lossScaleCleanSteps"),
                "the fp16 checkpoint records the scaler: " + extra);
        double scale = extra.get("lossScale").asDouble();
        assertTrue(scale < 65536.0, "the scale backed off from 2^16 before step 8, so the test can tell a restored "
                + "scaler from a fresh one: " + scale);

        RunReport resumed = Perennial.resume(run);
        assertEquals(uninterrupted.accuracyMatrix().length, resumed.accuracyMatrix().length);
        for (int i = 0; i < uninterrupted.accuracyMatrix().length; i++) {
            assertArrayEquals(uninterrupted.accuracyMatrix()[i], resumed.accuracyMatrix()[i], 0.0, "row " + i);
        }
        assertEquals(uninterrupted.lossCurves(), resumed.lossCurves());
        assertEquals(uninterrupted.nanSkips(), resumed.nanSkips());
        assertTrue(uninterrupted.nanSkips() > 0, "skipped overflow steps are counted: " + uninterrupted.nanSkips());
    }
}
