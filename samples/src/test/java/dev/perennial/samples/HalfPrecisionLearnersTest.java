package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The learners the README lists for {@code training.precision: fp16} (finetune, LwF, EWC) run two tasks end to end
 * through the CLI. LwF's frozen fp32 teacher once received the half-precision batch ("Input type (c10::Half) and
 * bias type (float) should be the same" at the second task).
 */
class HalfPrecisionLearnersTest {
    private static final String TINY = """
            name: tiny-fp16
            seed: 5
            dataset: {name: generated-shapes, config: {classes: 4, trainPerClass: 12, testPerClass: 4, size: 16}}
            scenario: {name: class-incremental, config: {increment: 2}}
            learner: {name: LEARNER, config: {backbone: {channels: 4, featureDim: 16}}}
            training: {epochs: 1, batchSize: 16, dataWorkers: 1, precision: fp16}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"finetune", "lwf", "ewc"})
    void runsTwoTasksInHalfPrecision(String learner, @TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tiny.yaml"), TINY.replace("LEARNER", learner));
        PluginCheckTest.Result r = PluginCheckTest.cli("run", file.toString(), "--run-dir",
                dir.resolve("runs").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        Path run = CliTest.onlyRun(dir.resolve("runs"));
        JsonNode matrix = new ObjectMapper().readTree(run.resolve("report.json").toFile()).get("accuracyMatrix");
        double last = matrix.get(1).get(1).asDouble();
        assertTrue(last >= 0 && last <= 1, "a finite accuracy after the second task: " + matrix);
    }
}
