package dev.perennial.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.registry.PluginException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors found while the runtime is wired reach the caller as {@link PluginException} / {@link ConfigException}
 * with a one-line message, not as Guice's {@code ProvisionException}; and an experiment that does not validate
 * leaves no run folder (issue 18).
 */
class ExperimentValidationTest {
    @TempDir
    Path tmp;

    private Perennial.Builder experiment() {
        return Perennial.builder()
                .name("validation")
                .dataset("generated-shapes", Map.of("classes", 4, "trainPerClass", 4, "testPerClass", 2))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner("finetune", Map.of())
                .device("cpu")
                .runDirectory(tmp.resolve("runs"));
    }

    private void assertNoRunFolder() throws Exception {
        Path runs = tmp.resolve("runs");
        if (Files.exists(runs)) {
            try (Stream<Path> s = Files.list(runs)) {
                assertEquals(0, s.count(), "run folders left behind in " + runs);
            }
        }
    }

    private static void assertOneLine(RuntimeException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("Guice"), e.getMessage());
    }

    @Test
    void aPluginFolderThatIsAFileIsAPluginException() throws Exception {
        Path file = Files.writeString(tmp.resolve("plugins.txt"), "not a folder");
        Experiment e = experiment().pluginDirectory(file).build();
        PluginException thrown = assertThrows(PluginException.class, e::run);
        assertTrue(thrown.getMessage().contains("plugins.txt is not a directory"), thrown.getMessage());
        assertOneLine(thrown);
        assertNoRunFolder();
    }

    @Test
    void aMissingPluginFolderIsAPluginException() throws Exception {
        Experiment e = experiment().pluginDirectory(tmp.resolve("no-such-folder")).build();
        PluginException thrown = assertThrows(PluginException.class, e::run);
        assertTrue(thrown.getMessage().contains("no-such-folder does not exist"), thrown.getMessage());
        assertOneLine(thrown);
        assertNoRunFolder();
    }

    @Test
    void aBrokenPluginJarIsAPluginException() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("plugins"));
        Files.write(folder.resolve("broken.jar"), new byte[] {'P', 'K', 3, 4, 0, 0, 1, 2, 3});
        Experiment e = experiment().pluginDirectory(folder).build();
        PluginException thrown = assertThrows(PluginException.class, e::run);
        assertTrue(thrown.getMessage().contains("broken.jar") || thrown.getMessage().contains(folder.toString()),
                thrown.getMessage());
        assertOneLine(thrown);
        assertNoRunFolder();
    }

    @Test
    void aGpuOnACpuMachineIsAConfigException() throws Exception {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is visible here");
        Experiment e = experiment().device("gpu").build();
        ConfigException thrown = assertThrows(ConfigException.class, e::run);
        assertTrue(thrown.getMessage().startsWith("device: gpu"), thrown.getMessage());
        assertOneLine(thrown);
        assertThrows(ConfigException.class, e::validate);
        assertThrows(ConfigException.class, e::validate);
        assertNoRunFolder();
    }

    @Test
    void anUnknownPluginLeavesNoRunFolder() throws Exception {
        Experiment e = experiment().build();
        PluginException thrown = assertThrows(PluginException.class, e::run);
        assertTrue(thrown.getMessage().startsWith("no learner named 'finetune'"), thrown.getMessage());
        assertNoRunFolder();
    }

    @Test
    void anInvalidPluginNameInTheBuilderIsAShortConfigException() {
        String name = "Finetune".repeat(100_000);
        ConfigException thrown = assertThrows(ConfigException.class, () -> experiment().learner(name, Map.of()));
        assertTrue(thrown.getMessage().startsWith("builder: learner: plugin name 'FinetuneFinetune"),
                thrown.getMessage());
        assertTrue(thrown.getMessage().contains("…(800000 chars)"), thrown.getMessage());
        assertTrue(thrown.getMessage().length() < 300, thrown.getMessage());
    }

    @Test
    void aPluginConfigurationThatDoesNotBindLeavesNoRunFolder() throws Exception {
        Experiment e = experiment().dataset("generated-shapes", Map.of("classes", 1)).build();
        ConfigException thrown = assertThrows(ConfigException.class, e::run);
        assertTrue(thrown.getMessage().startsWith("builder: dataset"), thrown.getMessage());
        assertNoRunFolder();
    }
}
