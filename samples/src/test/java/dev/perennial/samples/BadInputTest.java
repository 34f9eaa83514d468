package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error a user can cause is a clear message with exit status 2, never a stack trace. */
class BadInputTest {

    private record Result(int status, String out, String err) {}

    private static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PerennialCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result runFile(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("experiment.yaml");
        Files.writeString(file, yaml);
        return cli("run", file.toString(), "--run-dir", dir.resolve("runs").toString());
    }

    private static void assertClear(Result r, String... fragments) {
        assertEquals(2, r.status(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "message should mention '" + f + "': " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void unknownExperimentFieldNamesTheFileTheFieldAndTheAcceptedFields(@TempDir Path dir) throws Exception {
        Result r = runFile(dir, "name: x\nlearnr: finetune\ndataset: generated-shapes\nscenario: class-incremental\n");
        assertClear(r, "experiment.yaml", "learnr", "learner");
    }

    @Test
    void mistypedTrainingFieldNamesTheFieldAndTheExpectedType(@TempDir Path dir) throws Exception {
        Result r = runFile(dir, "name: x\nlearner: finetune\ndataset: generated-shapes\nscenario: class-incremental\n"
                + "training: {epochs: two}\n");
        assertClear(r, "experiment.yaml", "training", "epochs");
    }

    @Test
    void unknownPluginSuggestsTheNearestName(@TempDir Path dir) throws Exception {
        Result r = runFile(dir, "name: x\nlearner: finetun\ndataset: generated-shapes\nscenario: class-incremental\n");
        assertClear(r, "finetun", "finetune");
    }

    @Test
    void missingDatasetFolderIsNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-folder");
        Result r = runFile(dir, "name: x\nlearner: finetune\nscenario: class-incremental\n"
                + "dataset: {name: image-folder, config: {path: " + missing + "}}\n");
        assertTrue(r.status() != 0, r.err());
        assertTrue(r.err().contains(missing.toString()), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void invalidYamlGivesTheLine(@TempDir Path dir) throws Exception {
        Result r = runFile(dir, "name: x\nlearner: [finetune\n");
        assertClear(r, "experiment.yaml", "line");
    }

    @Test
    void missingExperimentFileIsNamed(@TempDir Path dir) {
        Result r = cli("run", dir.resolve("nope.yaml").toString());
        assertClear(r, "nope.yaml", "does not exist");
    }
}
