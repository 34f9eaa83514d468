package dev.perennial.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile experiment files: size limit, keys given twice, long values in messages (issue 18). */
class ExperimentFilesTest {
    private static final String VALID = """
            name: limits
            dataset: generated-shapes
            scenario: class-incremental
            learner: finetune
            """;

    @TempDir
    Path tmp;

    private static void assertShort(ConfigException e) {
        assertTrue(e.getMessage().length() < 1000, "message of " + e.getMessage().length() + " chars: "
                + e.getMessage().substring(0, Math.min(400, e.getMessage().length())));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aValidFileUnderTheLimitReads() throws IOException {
        Path file = Files.writeString(tmp.resolve("ok.yaml"), VALID + "seed: 7\n");
        assertEquals(7, ExperimentFiles.read(file).seed());
    }

    @Test
    void aFileOverTheLimitIsRefusedNamingTheFileAndTheLimit() throws IOException {
        Path file = tmp.resolve("big.yaml");
        Files.writeString(file, VALID + "# " + "x".repeat((int) ExperimentFiles.MAX_FILE_BYTES) + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.read(file));
        assertTrue(e.getMessage().startsWith(file + " is larger than the 1 MiB (1048576 bytes)"), e.getMessage());
        assertShort(e);
    }

    @Test
    void theLimitCanBeGiven() throws IOException {
        Path file = Files.writeString(tmp.resolve("small.yaml"), VALID);
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.read(file, 10));
        assertTrue(e.getMessage().contains("larger than the 10 bytes"), e.getMessage());
        assertEquals("limits", ExperimentFiles.read(file, 1000).name());
    }

    /** The file: the parser spent minutes on it; now it is refused before it is parsed. */
    @Test
    void aFiftyMegabyteOneScalarYamlFailsWithTheSizeError() throws IOException {
        Path file = tmp.resolve("huge.yaml");
        byte[] chunk = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("name: ".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write('\n');
        }
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.read(file));
        assertTrue(e.getMessage().contains("is larger than the 1 MiB"), e.getMessage());
    }

    @Test
    void textOverTheLimitIsRefusedBeforeParsing() {
        String text = "name: " + "a".repeat((int) ExperimentFiles.MAX_FILE_BYTES) + "\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.parse(text, "big.yaml"));
        assertTrue(e.getMessage().startsWith("big.yaml is larger than the 1 MiB"), e.getMessage());
    }

    @Test
    void aYamlKeyGivenTwiceIsRefusedWithTheKeyAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentFiles.parse(VALID + "seed: 1\nseed: 2\n", "twice.yaml"));
        assertEquals("twice.yaml: key 'seed' is given twice in the same mapping (again at line 6); give each key"
                + " once", e.getMessage());
    }

    @Test
    void aNestedYamlKeyGivenTwiceIsRefused() {
        String text = VALID + "training:\n  epochs: 1\n  batchSize: 8\n  epochs: 2\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.parse(text, "nested.yml"));
        assertTrue(e.getMessage().startsWith("nested.yml: key 'epochs' is given twice"), e.getMessage());
        assertTrue(e.getMessage().contains("line 8"), e.getMessage());
    }

    @Test
    void aJsonKeyGivenTwiceIsRefusedWithTheKeyAndLine() {
        String text = """
                {"name": "limits", "dataset": "generated-shapes",
                 "scenario": "class-incremental", "learner": "finetune",
                 "seed": 1,
                 "seed": 2}
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.parse(text, "twice.json"));
        assertTrue(e.getMessage().startsWith("twice.json: key 'seed' is given twice"), e.getMessage());
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    }

    @Test
    void aLongPluginNameIsShortenedInTheMessage() {
        String name = "x".repeat(500_000);
        String text = VALID.replace("learner: finetune", "learner: " + name);
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.parse(text, "long.yaml"));
        assertTrue(e.getMessage().contains("x".repeat(80) + "…(500000 chars)"), e.getMessage());
        assertShort(e);
    }

    /** Text that passes the character check but not SnakeYAML's own code-point limit still stops early. */
    @Test
    void snakeYamlsCodePointLimitIsTheFileLimit() {
        String text = "name: " + "a".repeat((int) ExperimentFiles.MAX_FILE_BYTES) + "\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentFiles.parse(text, "cp.yaml",
                ExperimentFiles.MAX_FILE_BYTES + 100));
        assertTrue(e.getMessage().startsWith("cp.yaml: not valid YAML"), e.getMessage());
        assertTrue(e.getMessage().contains("1048576 code points"), e.getMessage());
        assertShort(e);
    }

    @Test
    void aLongUnknownFieldIsShortenedInTheMessage() {
        String field = "k".repeat(1000);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentFiles.parse(VALID + field + ": 1\n", "field.yaml"));
        assertTrue(e.getMessage().contains("unknown field '" + "k".repeat(80) + "…(1000 chars)'"), e.getMessage());
        assertShort(e);
    }

    @Test
    void aLongValueOfAFieldIsShortenedInTheMessage() {
        String device = "g".repeat(5000);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentFiles.parse(VALID + "device: " + device + "\n", "device.yaml"));
        assertTrue(e.getMessage().contains("…(5000 chars)"), e.getMessage());
        assertShort(e);
        ConfigException training = assertThrows(ConfigException.class,
                () -> ExperimentFiles.parse(VALID + "training: {epochs: '" + device + "'}\n", "training.yaml"));
        assertTrue(training.getMessage().contains("…(5002 chars)"), training.getMessage());
        assertShort(training);
    }
}
