package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.RunListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after a checkpoint and resumed ends with exactly the metrics of an uninterrupted run (same seed,
 * CPU): at a task boundary and in the middle of a task.
 */
class ResumeTest {

    /** Simulates a crash right after a given checkpoint is on disk (also used by {@link HalfPrecisionResumeTest}). */
    static final class CrashAfter implements RunListener {
        private final String tag;

        CrashAfter(String tag) {
            this.tag = tag;
        }

        @Override
        public void onCheckpoint(Path directory) {
            if (directory.getFileName().toString().equals(tag)) {
                throw new IllegalStateException("simulated crash after " + tag);
            }
        }
    }

    private static Perennial.Builder experiment(Path runs) {
        return Perennial.builder()
                .name("resume")
                .seed(11)
                .dataset("generated-shapes", Map.of("classes", 6, "trainPerClass", 40, "testPerClass", 20))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner("lwf", Map.of("backbone", Map.of("name", "small-cnn", "channels", 8, "featureDim", 32)))
                .augmenter("mixup", Map.of())
                .training(Map.of("epochs", 2, "batchSize", 16, "learningRate", 0.05, "dataWorkers", 2))
                .runDirectory(runs);
    }

    private static Path onlyRun(Path runs) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static void assertSameMatrix(RunReport expected, RunReport actual) {
        assertEquals(expected.accuracyMatrix().length, actual.accuracyMatrix().length);
        for (int i = 0; i < expected.accuracyMatrix().length; i++) {
            assertArrayEquals(expected.accuracyMatrix()[i], actual.accuracyMatrix()[i], 0.0, "row " + i);
        }
        assertEquals(expected.lossCurves(), actual.lossCurves());
    }

    @Test
    void resumeAfterTheFirstTaskEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        RunReport uninterrupted = experiment(tmp.resolve("a")).build().run();
        Path runs = tmp.resolve("b");
        IllegalStateException crash = assertThrows(IllegalStateException.class,
                () -> experiment(runs).build().run(new CrashAfter("task-0")));
        assertTrue(crash.getMessage().contains("simulated"));
        RunReport resumed = Perennial.resume(onlyRun(runs));
        assertSameMatrix(uninterrupted, resumed);
    }

    @Test
    void resumeInTheMiddleOfATaskEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        RunReport uninterrupted = experiment(tmp.resolve("a")).checkpointEverySteps(5).build().run();
        Path runs = tmp.resolve("b");
        assertThrows(IllegalStateException.class,
                () -> experiment(runs).checkpointEverySteps(5).build().run(new CrashAfter("step-15")));
        RunReport resumed = Perennial.resume(onlyRun(runs));
        assertSameMatrix(uninterrupted, resumed);
    }
}
