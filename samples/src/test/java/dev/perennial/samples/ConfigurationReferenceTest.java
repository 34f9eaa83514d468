package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.perennial.api.config.TrainingConfig;
import dev.perennial.api.registry.PluginDescriptor;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.api.report.ConfigField;
import dev.perennial.api.report.ConfigurationReference;
import dev.perennial.spi.PluginKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} is generated from the configuration records of every plugin the {@code perennial}
 * command ships (this module's application path) and of the experiment itself. This test regenerates it in memory
 * and fails while the committed file differs; run it with {@code -Dperennial.docs.write=true} to rewrite the file.
 */
class ConfigurationReferenceTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    static final String REGENERATE =
            "mvn -q -B -o -pl samples test -Dtest=ConfigurationReferenceTest -Dperennial.docs.write=true";

    private static PluginRegistry registry;
    private static String generated;

    @BeforeAll
    static void generate() throws IOException {
        registry = PluginRegistry.load(List.of());
        generated = ConfigurationReference.markdown(registry, REGENERATE);
        if (Boolean.getBoolean("perennial.docs.write")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCommittedReferenceIsTheGeneratedOne() throws IOException {
        if (!Files.isRegularFile(DOC)) {
            fail(DOC.toAbsolutePath().normalize() + " is missing; generate it with: " + REGENERATE);
        }
        String committed = Files.readString(DOC, StandardCharsets.UTF_8);
        if (committed.equals(generated)) {
            return;
        }
        String[] a = committed.split("\n", -1);
        String[] b = generated.split("\n", -1);
        int line = 0;
        while (line < Math.min(a.length, b.length) && a[line].equals(b[line])) {
            line++;
        }
        fail("docs/configuration.md is stale (a configuration record or plugin changed); first difference at line "
                + (line + 1) + ":\n  committed: " + (line < a.length ? a[line] : "(end of file)") + "\n  generated: "
                + (line < b.length ? b[line] : "(end of file)") + "\nregenerate it with: " + REGENERATE);
    }

    @Test
    void everyBuiltInPluginAndEachOfItsFieldsIsListed() {
        int plugins = 0;
        for (PluginKind kind : PluginKind.values()) {
            for (String name : registry.names(kind)) {
                PluginDescriptor d = registry.describe(kind, name);
                assertTrue(generated.contains("<a id=\"" + kind.label() + "-" + name + "\"></a>\n### `" + name + "`"),
                        kind.label() + " " + name + " has no section");
                for (ConfigField f : ConfigField.of(d.configType(), registry.provider(kind, name).defaultConfig(),
                        Set.of())) {
                    assertTrue(generated.contains("| `" + f.name() + "` | "), name + ": field " + f.name());
                }
                plugins++;
            }
        }
        assertTrue(plugins >= 5, "the command ships data sets, a scenario, metrics, learners and augmenters");
        assertTrue(generated.contains("| `learningRate` | `double` | `0.05` | Base learning rate, > 0. |"), generated);
        assertTrue(generated.contains("| `learner` | `PluginRef` | *required* | Learner plugin. |"), generated);
        assertTrue(generated.contains("| `optimizer` | `one of sgd, adamw` | `\"sgd\"` |"), generated);
    }

    @Test
    void everyBuiltInConfigFieldIsDocumentedAndHasADefault() {
        List<String> missing = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            for (String name : registry.names(kind)) {
                PluginDescriptor d = registry.describe(kind, name);
                for (ConfigField f : ConfigField.of(d.configType(), registry.provider(kind, name).defaultConfig(),
                        Set.of())) {
                    if (!f.documented() || !f.hasDefault()) {
                        missing.add(kind.label() + " " + name + ": " + f.name()
                                + (f.documented() ? "" : " (no @ConfigDoc)") + (f.hasDefault() ? "" : " (no default)"));
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "perennial plugins check would report these");
    }

    @Test
    void theMachineDependentDefaultIsTheRuleTheReferenceStates() {
        // The reference writes "CPU cores − 1, at least 1" instead of this machine's number; keep the two in step.
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
                TrainingConfig.defaults().dataWorkers());
        assertTrue(generated.contains("| `dataWorkers` | `int` | CPU cores − 1, at least 1 |"), generated);
    }
}
