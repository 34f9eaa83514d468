package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.api.registry.PluginIsolation;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginProvider;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rule for plugin modules, built in or in a plugin folder ({@link PluginIsolation}): every built-in plugin
 * module follows it, and a built-in module's jar (distillation, which requires Jackson's annotations) loads from a
 * plugin folder when the application does not have it.
 */
class PluginModuleRuleTest {

    private static final Set<String> SERVICES = serviceNames();

    private static Set<String> serviceNames() {
        Set<String> names = new TreeSet<>();
        for (PluginKind k : PluginKind.values()) {
            names.add(k.providerType().getName());
        }
        return names;
    }

    @Test
    void everyBuiltInPluginModuleFollowsThePluginFolderRule() {
        assumeTrue(PluginProvider.class.getModule().isNamed(), "needs the module path");
        List<String> checked = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (Module m : ModuleLayer.boot().modules()) {
            ModuleDescriptor d = m.getDescriptor();
            boolean plugin = d.provides().stream().anyMatch(p -> SERVICES.contains(p.service()));
            // The API's own providers (image-folder, accuracy, ...) are part of the runtime, not a plugin module.
            if (!plugin || d.name().equals("dev.perennial.api")) {
                continue;
            }
            checked.add(d.name());
            for (ModuleDescriptor.Requires r : d.requires()) {
                String name = r.name();
                // Modules of the project that are not the runtime may sit in the same plugin folder.
                boolean sameFolder = name.startsWith("dev.perennial.") && !name.equals("dev.perennial.api");
                if (!PluginIsolation.mayRequire(name) && !sameFolder) {
                    broken.add(d.name() + " requires " + name);
                }
            }
        }
        assertTrue(checked.containsAll(List.of("dev.perennial.continual", "dev.perennial.distillation",
                "dev.perennial.augmentation", "dev.perennial.slerpface", "dev.perennial.deepfake")),
                "the distribution ships every built-in plugin module: " + checked);
        assertEquals(List.of(), broken);
    }

    @Test
    void theDistillationJarLoadsFromAPluginFolder(@TempDir Path dir) throws Exception {
        assumeTrue(PluginProvider.class.getModule().isNamed(), "needs the module path");
        String modulePath = System.getProperty("jdk.module.path");
        List<String> kept = new ArrayList<>();
        Path distillation = null;
        for (String entry : modulePath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.contains("perennial-distillation") || p.endsWith(Path.of("distillation", "target", "classes"))) {
                distillation = p;
            } else if (!entry.isBlank()) {
                kept.add(entry);
            }
        }
        assertTrue(distillation != null, "the distillation module is on the test's module path: " + modulePath);
        Path folder = Files.createDirectories(dir.resolve("plugins"));
        if (Files.isDirectory(distillation)) {
            PluginJars.jar(distillation, folder.resolve("perennial-distillation.jar"));
        } else {
            Files.copy(distillation, folder.resolve("perennial-distillation.jar"));
        }

        String without = cli(dir, kept, "plugins");
        // the deepfake plugin's diffusionfake is the one distiller outside the distillation module
        assertTrue(without.contains("\ndistillers (1)\n") && without.contains("\n  diffusionfake "),
                "the application alone has only the deepfake plugin's distiller:\n" + without);

        String with = cli(dir, kept, "plugins", "--wide", "--plugin-dir", folder.toString());
        assertTrue(with.contains("\ndistillers (5)\n"), with);
        for (String name : List.of("cakd", "fitnet", "kd", "ofa")) {
            assertTrue(with.contains("\n  " + name + " "), name + ":\n" + with);
        }
        assertTrue(with.contains("from: module dev.perennial.distillation in "
                + folder.resolve("perennial-distillation.jar")), with);
    }

    /** The CLI in a JVM of its own, on a module path without the distillation module. */
    private static String cli(Path dir, List<String> modulePath, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dai.djl.offline=true", "--module-path", String.join(File.pathSeparator, modulePath),
                "-m", "dev.perennial.samples/dev.perennial.samples.PerennialCli"));
        command.addAll(Arrays.asList(args));
        Path log = dir.resolve("cli-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the CLI did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("BROKEN"), out);
        return out;
    }
}
