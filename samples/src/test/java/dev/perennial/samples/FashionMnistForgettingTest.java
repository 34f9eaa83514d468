package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.AccuracyTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real catastrophic forgetting on Fashion-MNIST (Debian package {@code dataset-fashion-mnist}), 5 tasks × 2
 * classes, a small CNN: naive fine-tuning forgets the first task almost entirely, LwF forgets less.
 */
class FashionMnistForgettingTest {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    private static RunReport run(String learner, Path runs) {
        return Perennial.builder()
                .name("fashion-" + learner)
                .seed(3)
                .dataset("idx", Map.of("folder", FASHION.toString(), "limitPerClass", 300))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner(learner, Map.of())
                .training(Map.of("epochs", 2, "batchSize", 64, "learningRate", 0.01, "dataWorkers", 2))
                .runDirectory(runs)
                .build()
                .run();
    }

    @Test
    void finetuneForgetsAndLwfForgetsLess(@TempDir Path tmp) {
        assumeTrue(Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed: apt-get install -y dataset-fashion-mnist (.ci/run does)");
        RunReport finetune = run("finetune", tmp);
        RunReport lwf = run("lwf", tmp);
        System.out.println("finetune\n" + AccuracyTable.format(finetune) + "lwf\n" + AccuracyTable.format(lwf));
        double[][] f = finetune.accuracyMatrix();
        assertTrue(f[0][0] > 0.9, "task 1 is learned: " + f[0][0]);
        assertTrue(f[4][0] < f[0][0] - 0.5, "fine-tuning forgets the first task: " + f[0][0] + " -> " + f[4][0]);
        double ff = finetune.summary().forgetting();
        double lf = lwf.summary().forgetting();
        assertTrue(ff > 0.8, "fine-tuning's average forgetting is catastrophic: " + ff);
        assertTrue(lf < ff - 0.1, "LwF forgets less than fine-tuning: " + lf + " vs " + ff);
    }
}
