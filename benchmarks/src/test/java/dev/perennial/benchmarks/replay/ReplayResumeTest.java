package dev.perennial.benchmarks.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.RunListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rehearsal learner, stopped after a mid-task checkpoint (its memory already holds examples of the previous
 * task and of this one) and resumed, ends with exactly the metrics, loss curves and memory of an uninterrupted run:
 * the buffer (contents, reservoir counter, herding order, class means, stored logits) is restored exactly.
 */
class ReplayResumeTest {

    /** Simulates a crash right after a given checkpoint is on disk. */
    private static final class CrashAfter implements RunListener {
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

    private static Perennial.Builder experiment(Path runs, String learner) {
        Map<String, Object> backbone = Map.of("name", "small-cnn", "channels", 4, "featureDim", 16);
        Map<String, Object> config = switch (learner) {
            case "icarl" -> Map.of("backbone", backbone, "memorySize", 24);
            case "gdumb" -> Map.of("backbone", backbone, "memory", Map.of("size", 30, "policy", "class-balanced"));
            default -> Map.of("backbone", backbone, "memory", Map.of("size", 30, "replayBatchSize", 8),
                    "augmentation", "crop-flip");
        };
        return Perennial.builder()
                .name("replay-resume")
                .seed(5)
                .dataset("generated-shapes", Map.of("classes", 4, "trainPerClass", 24, "testPerClass", 10))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner(learner, config)
                .training(Map.of("epochs", 2, "batchSize", 12, "learningRate", 0.05, "dataWorkers", 1))
                .checkpointEverySteps(3)
                .runDirectory(runs);
    }

    private static Path onlyRun(Path runs) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"er", "der", "derpp", "icarl", "gdumb"})
    void resumeInTheSecondTaskEqualsAnUninterruptedRun(String learner, @TempDir Path tmp) throws Exception {
        RunReport uninterrupted = experiment(tmp.resolve("a"), learner).build().run();
        Path runs = tmp.resolve("b");
        // 4 steps per epoch, 8 per task: step 12 is in the middle of the second task.
        assertThrows(IllegalStateException.class,
                () -> experiment(runs, learner).build().run(new CrashAfter("step-12")));
        RunReport resumed = Perennial.resume(onlyRun(runs));
        for (int i = 0; i < uninterrupted.accuracyMatrix().length; i++) {
            assertArrayEquals(uninterrupted.accuracyMatrix()[i], resumed.accuracyMatrix()[i], 0.0, "row " + i);
        }
        assertEquals(uninterrupted.lossCurves(), resumed.lossCurves());
        assertEquals(uninterrupted.pluginValues(), resumed.pluginValues());
    }
}
