package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.models.nn.GcStress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's numbers do not depend on the garbage collector: the same experiment with a forced, waited-for collection
 * between every forward and backward pass and after every step (GcStress) gives bit-identical loss curves and
 * accuracies. The experiment is the reproduction (finetune with mixup, whose per-sample weights reach the loss
 * and are kept by autograd for the backward pass) plus LwF; checkpoints every 4 steps exercise the optimizer-state
 * copies. Under the gc-stress execution (glibc overwriting freed memory) a read of a freed buffer changes the numbers.
 */
class GcIndependenceTest {

    private static RunReport run(Path runs, String learner, boolean stress) {
        boolean before = GcStress.enable(stress);
        try {
            return Perennial.builder()
                    .name("gc-" + learner)
                    .seed(5)
                    .dataset("generated-shapes", Map.of("classes", 4, "trainPerClass", 48, "testPerClass", 12,
                            "size", 16))
                    .scenario("class-incremental", Map.of("increment", 2))
                    .learner(learner, Map.of("backbone", Map.of("name", "small-cnn", "channels", 4,
                            "featureDim", 16)))
                    .augmenter("mixup", Map.of("probability", 1.0))
                    .training(Map.of("epochs", 2, "batchSize", 16, "learningRate", 0.05, "dataWorkers", 1,
                            "nanPolicy", "fail"))
                    .checkpointEverySteps(4)
                    .runDirectory(runs)
                    .build()
                    .run();
        } finally {
            GcStress.enable(before);
        }
    }

    private static void assertSame(RunReport expected, RunReport actual) {
        assertEquals(expected.lossCurves(), actual.lossCurves(), "loss curves");
        assertEquals(expected.accuracyMatrix().length, actual.accuracyMatrix().length);
        for (int i = 0; i < expected.accuracyMatrix().length; i++) {
            assertArrayEquals(expected.accuracyMatrix()[i], actual.accuracyMatrix()[i], 0.0, "row " + i);
        }
    }

    @Test
    void finetuneWithMixupGivesTheSameNumbersWithACollectionAtEveryStep(@TempDir Path tmp) {
        long before = GcStress.points();
        RunReport stressed = run(tmp.resolve("stress"), "finetune", true);
        assertTrue(GcStress.points() - before >= 2 * stressed.lossCurves().stream().mapToInt(c -> c.size()).sum(),
                "the loop collected between forward and backward and after each step");
        RunReport plain = run(tmp.resolve("plain"), "finetune", false);
        assertSame(plain, stressed);
    }

    @Test
    void lwfWithMixupGivesTheSameNumbersWithACollectionAtEveryStep(@TempDir Path tmp) {
        RunReport stressed = run(tmp.resolve("stress"), "lwf", true);
        RunReport plain = run(tmp.resolve("plain"), "lwf", false);
        assertSame(plain, stressed);
    }
}
