package dev.perennial.benchmarks.vqa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.RunListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code o-lora} (slice index, frozen slices, orthogonality term) and {@code moe-lora} (experts, routers, balance
 * term) through the loop on a tiny LLaVA and two Mini-CoIN tasks: stopped after a checkpoint in the middle of the
 * second task and resumed, a run ends with exactly the accuracy matrix, loss curves and plugin values of an
 * uninterrupted one.
 */
class McitResumeTest {

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
        Map<String, Object> model = Map.ofEntries(Map.entry("hiddenSize", 32), Map.entry("intermediateSize", 64),
                Map.entry("layers", 1), Map.entry("heads", 2), Map.entry("visionImageSize", 32),
                Map.entry("visionPatchSize", 8), Map.entry("visionHiddenSize", 16), Map.entry("visionLayers", 2),
                Map.entry("loraRank", 4), Map.entry("loraAlpha", 8), Map.entry("loraDropout", 0),
                Map.entry("systemPrompt", ""), Map.entry("maxNewTokens", 4));
        Map<String, Object> config = learner.equals("o-lora")
                ? Map.of("model", model, "lambda1", 0.5, "lambda2", 0.1)
                : Map.of("model", model, "experts", 2, "topK", 1, "balanceWeight", 0.01);
        return Perennial.builder()
                .name("mcit-resume")
                .seed(5)
                .dataset("mini-coin", Map.of("seed", 7, "imageSize", 32, "trainPerTask", 8, "testPerTask", 4,
                        "tasks", List.of("color", "counting"), "baseTask", false))
                .scenario("instruction", Map.of())
                .learner(learner, config)
                .metric("coin-accuracy", Map.of())
                .training(Map.of("epochs", 2, "batchSize", 4, "evalBatchSize", 4, "learningRate", 0.01,
                        "optimizer", "adamw", "dataWorkers", 1))
                .checkpointEverySteps(2)
                .runDirectory(runs);
    }

    private static Path onlyRun(Path runs) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"o-lora", "moe-lora"})
    void resumeInTheSecondTaskEqualsAnUninterruptedRun(String learner, @TempDir Path tmp) throws Exception {
        RunReport uninterrupted = experiment(tmp.resolve("a"), learner).build().run();
        Path runs = tmp.resolve("b");
        // 2 steps per epoch, 4 per task: step 6 is in the middle of the second task.
        assertThrows(IllegalStateException.class,
                () -> experiment(runs, learner).build().run(new CrashAfter("step-6")));
        RunReport resumed = Perennial.resume(onlyRun(runs));
        assertEquals(2, uninterrupted.accuracyMatrix().length);
        for (int i = 0; i < uninterrupted.accuracyMatrix().length; i++) {
            assertArrayEquals(uninterrupted.accuracyMatrix()[i], resumed.accuracyMatrix()[i], 0.0, "row " + i);
        }
        assertEquals(uninterrupted.lossCurves(), resumed.lossCurves());
        assertEquals(uninterrupted.pluginValues(), resumed.pluginValues());
    }
}
