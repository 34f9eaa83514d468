package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.registry.PluginDescriptor;
import dev.perennial.api.registry.PluginException;
import dev.perennial.api.registry.PluginIsolation;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.StepContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads plugins the way a user installs them: as jars in a plugin directory, built here by the test. The example
 * plugin is deliberately not a dependency of this module, so it is found only through its directory.
 */
public class PluginDirectoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    /** The example plugin's jar. */
    private static Path exampleJar;
    /** Compiled test plugins, one folder per module, from {@link #compileTestPlugins}. */
    private static Path testPlugins;

    @BeforeAll
    static void build() throws IOException {
        exampleJar = PluginJars.exampleJar(work);
        testPlugins = compileTestPlugins();
    }

    // ---- the example plugin -------------------------------------------------------------------------------

    @Test
    void theExampleLoadsFromItsDirectoryIntoItsOwnModuleLayer() throws IOException {
        Path directory = directoryWith("example", exampleJar);
        PluginRegistry registry = PluginRegistry.load(List.of(directory));

        PluginDescriptor d = registry.describe(PluginKind.LEARNER, "example-linear");
        assertEquals("1.0.0", d.version());
        assertEquals("dev.perennial.example.LinearSoftmaxConfig", d.configType().getName());
        assertTrue(d.capabilities().contains(Capability.CLASS_INCREMENTAL));
        assertFalse(d.source().builtIn());
        assertEquals("dev.perennial.example", d.source().module());
        assertEquals(directory.resolve("perennial-plugin-example.jar").toAbsolutePath().normalize(),
                d.source().location().orElseThrow());

        Module plugin = registry.provider(PluginKind.LEARNER, "example-linear").getClass().getModule();
        Module spi = PluginProvider.class.getModule();
        assertNotSame(spi.getLayer(), plugin.getLayer(), "the plugin has a layer of its own");
        assertEquals(List.of(spi.getLayer()), plugin.getLayer().parents());
        assertFalse(plugin.canRead(PluginRegistry.class.getModule()), "a plugin must not see the API");
        assertTrue(plugin.canRead(spi));
    }

    @Test
    void theExampleIsCreatedByNameWithItsConfigAndTrains() throws IOException {
        PluginRegistry registry = PluginRegistry.load(List.of(directoryWith("example-create", exampleJar)));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            PluginContext context = context(manager);
            Learner learner = registry.create(PluginKind.LEARNER, "example-linear",
                    JSON.readTree("{\"classes\": 3, \"inputSize\": 4, \"initStd\": 0.05}"), context,
                    "experiment.yaml: learner");
            try (NDManager step = manager.newSubManager()) {
                NDArray image = step.randomUniform(0, 1, new Shape(2, 1, 2, 2));
                image.setName("image");
                Batch batch = new Batch(new NDList(image), Optional.of(step.create(new long[] {0, 2})),
                        Optional.empty(), new long[] {0, 1}, 0, Map.of());
                StepContext s = mock(StepContext.class);
                when(s.manager()).thenReturn(step);
                LossTerms terms = learner.loss(batch, s);
                float loss = terms.terms().get("cross-entropy").getFloat();
                // Near-zero weights give near-uniform probabilities: the loss is close to log 3.
                assertEquals(Math.log(3), loss, 0.1);
            }
            ConfigException e = assertThrows(ConfigException.class, () -> registry.create(PluginKind.LEARNER,
                    "example-linear", JSON.readTree("{\"initstd\": 0.1}"), context, "experiment.yaml: learner"));
            assertTrue(e.getMessage().startsWith("experiment.yaml: learner: unknown field 'initstd'"), e.getMessage());
            assertTrue(e.getMessage().contains("initStd (double)"), e.getMessage());
        }
    }

    @Test
    void onTheClassPathFallbackTheSameJarLoadsThroughMetaInfServices() throws IOException {
        Path directory = directoryWith("example-classpath", exampleJar);
        PluginRegistry registry = PluginRegistry.load(List.of(directory), PluginIsolation.CLASS_LOADER);
        PluginDescriptor d = registry.describe(PluginKind.LEARNER, "example-linear");
        assertEquals("unnamed", d.source().module());
        assertEquals(directory.resolve("perennial-plugin-example.jar").toAbsolutePath().normalize(),
                d.source().location().orElseThrow());
        assertFalse(registry.provider(PluginKind.LEARNER, "example-linear").getClass().getModule().isNamed());
    }

    @Test
    void theSamePluginInTwoDirectoriesIsADuplicateNamingBothJars() throws IOException {
        Path first = directoryWith("first", exampleJar);
        Path second = directoryWith("second", exampleJar);
        PluginException e = assertThrows(PluginException.class, () -> PluginRegistry.load(List.of(first, second)));
        String m = e.getMessage();
        assertTrue(m.contains("two learner plugins are named 'example-linear'"), m);
        assertTrue(m.contains(first.resolve("perennial-plugin-example.jar").toString()), m);
        assertTrue(m.contains(second.resolve("perennial-plugin-example.jar").toString()), m);
    }

    // ---- failure cases, with small generated plugins ------------------------------------------------------

    @Test
    void aPluginBuiltForSpi2IsRefusedOnFirstUse() throws IOException {
        Path directory = directoryWith("future", PluginJars.jar(testPlugins.resolve("test.future"),
                work.resolve("jars").resolve("future.jar")));
        PluginRegistry registry = PluginRegistry.load(List.of(directory));
        assertTrue(registry.contains(PluginKind.LEARNER, "future-learner"), "discovery does not instantiate");
        PluginException e = assertThrows(PluginException.class,
                () -> registry.provider(PluginKind.LEARNER, "future-learner"));
        String m = e.getMessage();
        assertTrue(m.contains("was built for SPI 2.0 but this runtime provides SPI " + SpiVersion.CURRENT), m);
        assertTrue(m.contains("module test.future in " + directory.resolve("future.jar")), m);
    }

    @Test
    void aConstructorThatThrowsNamesThePluginAndItsJar() throws IOException {
        Path directory = directoryWith("broken", PluginJars.jar(testPlugins.resolve("test.broken"),
                work.resolve("jars").resolve("broken.jar")));
        PluginRegistry registry = PluginRegistry.load(List.of(directory));
        PluginException e = assertThrows(PluginException.class,
                () -> registry.create(PluginKind.LEARNER, "broken-learner", null, mock(PluginContext.class), null));
        String m = e.getMessage();
        assertTrue(m.startsWith("learner 'broken-learner' (test.broken.BrokenProvider from module test.broken in "
                + directory.resolve("broken.jar")), m);
        assertTrue(m.contains("its constructor threw IllegalStateException: no licence file found"), m);
    }

    @Test
    void aPluginModuleThatRequiresTheApiIsRefused() throws IOException {
        Path directory = directoryWith("sneaky", PluginJars.jar(testPlugins.resolve("test.sneaky"),
                work.resolve("jars").resolve("sneaky.jar")));
        PluginException e = assertThrows(PluginException.class, () -> PluginRegistry.load(List.of(directory)));
        String m = e.getMessage();
        assertTrue(m.startsWith("plugin module test.sneaky in " + directory.resolve("sneaky.jar")
                + " requires dev.perennial.api (plugins are built against dev.perennial.spi only"), m);
        assertTrue(m.contains("may require only [ai.djl.api, com.google.gson, dev.perennial.models, dev.perennial.spi],"
                + " the annotation modules [com.fasterxml.jackson.annotation]"), m);
    }

    @Test
    void aJarWithoutModuleInfoIsRefusedAsAModuleButLoadsThroughAClassLoader() throws IOException {
        Path classes = work.resolve("plain-classes");
        copyTree(testPlugins.resolve("test.opened"), classes);
        Files.delete(classes.resolve("module-info.class"));
        Path directory = directoryWith("plain", PluginJars.jar(classes, work.resolve("jars").resolve("plain.jar")));

        PluginException e = assertThrows(PluginException.class,
                () -> PluginRegistry.load(List.of(directory), PluginIsolation.MODULE_LAYER));
        assertTrue(e.getMessage().startsWith("plugin jar " + directory.resolve("plain.jar")
                + " has no module-info.class"), e.getMessage());

        PluginRegistry registry = PluginRegistry.load(List.of(directory), PluginIsolation.CLASS_LOADER);
        Learner learner = registry.create(PluginKind.LEARNER, "opened-learner", JSON.readTree("{\"size\": 5}"),
                mock(PluginContext.class), null);
        assertEquals("size=5", learner.model().toString());
    }

    @Test
    void aConfigRecordOpenedToJacksonBindsAndAClosedOneNamesTheOpensLine() throws IOException {
        Path directory = directoryWith("access", PluginJars.jar(testPlugins.resolve("test.opened"),
                work.resolve("jars").resolve("opened.jar")), PluginJars.jar(testPlugins.resolve("test.closed"),
                work.resolve("jars").resolve("closed.jar")));
        PluginRegistry registry = PluginRegistry.load(List.of(directory));

        Learner learner = registry.create(PluginKind.LEARNER, "opened-learner", JSON.readTree("{\"size\": 7}"),
                mock(PluginContext.class), "exp.yaml: learner");
        assertEquals("size=7", learner.model().toString());

        ConfigException e = assertThrows(ConfigException.class, () -> registry.create(PluginKind.LEARNER,
                "closed-learner", null, mock(PluginContext.class), "exp.yaml: learner"));
        assertTrue(e.getMessage().contains("add `opens test.closed.config to com.fasterxml.jackson.databind;`"
                + " to that module's module-info.java"), e.getMessage());
    }

    @Test
    void aModuleThatListsServicesOnlyInMetaInfServicesIsToldToDeclareProvides() throws IOException {
        Path directory = directoryWith("unprovided", PluginJars.jar(testPlugins.resolve("test.unprovided"),
                work.resolve("jars").resolve("unprovided.jar")));
        PluginException e = assertThrows(PluginException.class, () -> PluginRegistry.load(List.of(directory)));
        assertEquals("plugin module test.unprovided in " + directory.resolve("unprovided.jar") + " lists providers in"
                + " META-INF/services/dev.perennial.spi.LearnerProvider but its module-info.java has no `provides"
                + " dev.perennial.spi.LearnerProvider with ...;`: an explicit module's services come from its"
                + " descriptor only, so add that line", e.getMessage());
    }

    /** The configuration of {@link AppProvider}. */
    public record AppConfig() {}

    /** A provider class the application itself holds (this test's module), for the shadowing case. */
    @PluginName("app-learner")
    public static final class AppProvider implements LearnerProvider<AppConfig> {
        @Override public String version() { return "1.0"; }
        @Override public String spiVersion() { return SpiVersion.CURRENT; }
        @Override public Class<AppConfig> configType() { return AppConfig.class; }
        @Override public AppConfig defaultConfig() { return new AppConfig(); }
        @Override public Learner create(AppConfig config, PluginContext context) {
            throw new UnsupportedOperationException("never created: only its class is listed in a plugin jar");
        }
    }

    @Test
    void aClassLoaderDirectoryListingAClassTheApplicationHasIsADuplicate() throws IOException {
        Path classes = work.resolve("shadow-classes");
        write(classes.resolve("META-INF/services/dev.perennial.spi.LearnerProvider"),
                AppProvider.class.getName() + "\n");
        Path directory = directoryWith("shadow", PluginJars.jar(classes, work.resolve("jars").resolve("shadow.jar")));
        PluginException e = assertThrows(PluginException.class,
                () -> PluginRegistry.load(List.of(directory), PluginIsolation.CLASS_LOADER));
        assertEquals("learner provider " + AppProvider.class.getName() + " in plugin directory " + directory
                + " is a class the application already has (on its class or module path), which wins; remove one"
                + " of the copies", e.getMessage());
    }

    // ---- building jars ------------------------------------------------------------------------------------

    private static PluginContext context(NDManager manager) {
        PluginContext c = mock(PluginContext.class);
        when(c.manager()).thenReturn(manager);
        when(c.device()).thenReturn(Device.cpu());
        when(c.seed()).thenReturn(42L);
        when(c.pluginName()).thenReturn("example-linear");
        when(c.scenario()).thenReturn(Optional.empty());
        return c;
    }

    private static Path directoryWith(String name, Path... jars) throws IOException {
        Path directory = work.resolve("plugin-dirs").resolve(name);
        Files.createDirectories(directory);
        for (Path jar : jars) {
            Files.copy(jar, directory.resolve(jar.getFileName()));
        }
        return directory.toAbsolutePath().normalize();
    }

    /**
     * Compiles the small failure-case plugins, each its own module, in one javac run
     * ({@code --module-source-path}); returns the folder holding one output folder per module.
     */
    private static Path compileTestPlugins() throws IOException {
        Path src = work.resolve("test-plugin-src");
        String learner = """
                package %1$s;
                public final class FixedLearner implements dev.perennial.spi.Learner {
                    private final String text;
                    public FixedLearner(String text) { this.text = text; }
                    @Override public void beforeTask(dev.perennial.spi.TaskInfo t, dev.perennial.spi.TaskData d) {}
                    @Override public ai.djl.nn.Block model() {
                        return new ai.djl.nn.SequentialBlock() {
                            @Override public String toString() { return text; }
                        };
                    }
                    @Override public dev.perennial.spi.LossTerms loss(dev.perennial.spi.Batch b,
                            dev.perennial.spi.StepContext s) {
                        throw new UnsupportedOperationException("a fixture for registry tests only");
                    }
                    @Override public dev.perennial.spi.Predictions predict(dev.perennial.spi.Batch b,
                            dev.perennial.spi.StepContext s) {
                        throw new UnsupportedOperationException("a fixture for registry tests only");
                    }
                }
                """;
        String provider = """
                package %1$s;
                import %1$s.config.Size;
                @dev.perennial.spi.PluginName("%2$s")
                public final class %3$s implements dev.perennial.spi.LearnerProvider<Size> {
                    public %3$s() { %5$s }
                    @Override public String version() { return "0.1.0"; }
                    @Override public String spiVersion() { return "%4$s"; }
                    @Override public Class<Size> configType() { return Size.class; }
                    @Override public Size defaultConfig() { return new Size(1); }
                    @Override public dev.perennial.spi.Learner create(Size c, dev.perennial.spi.PluginContext x) {
                        return new FixedLearner("size=" + c.size());
                    }
                }
                """;
        String config = """
                package %1$s.config;
                public record Size(int size) {}
                """;
        String module = """
                module %1$s {
                    requires dev.perennial.spi;
                    %2$s
                    %3$s
                }
                """;
        record Fixture(String module, String name, String provider, String spi, String constructor, String extra) {}
        List<Fixture> fixtures = List.of(
                new Fixture("test.future", "future-learner", "FutureProvider", "2.0", "", ""),
                new Fixture("test.broken", "broken-learner", "BrokenProvider", "1.0",
                        "if (true) { throw new IllegalStateException(\"no licence file found\"); }", ""),
                new Fixture("test.sneaky", "sneaky-learner", "SneakyProvider", "1.0", "",
                        "requires dev.perennial.api;"),
                new Fixture("test.opened", "opened-learner", "OpenedProvider", "1.0", "",
                        "opens test.opened.config to com.fasterxml.jackson.databind;"),
                new Fixture("test.closed", "closed-learner", "ClosedProvider", "1.0", "", ""),
                new Fixture("test.unprovided", "unprovided-learner", "UnprovidedProvider", "1.0", "", ""));
        List<String> args = new ArrayList<>(List.of("-d", work.resolve("test-plugin-classes").toString(),
                "--module-source-path", src.toString(), "--module-path", PluginJars.modulePath(), "-nowarn"));
        for (Fixture f : fixtures) {
            Path root = src.resolve(f.module());
            Path pkg = root.resolve(f.module().replace('.', '/'));
            String provides = f.module().equals("test.unprovided") ? ""
                    : "provides dev.perennial.spi.LearnerProvider with " + f.module() + "." + f.provider() + ";";
            write(root.resolve("module-info.java"), module.formatted(f.module(), f.extra(), provides));
            write(pkg.resolve("FixedLearner.java"), learner.formatted(f.module()));
            write(pkg.resolve(f.provider() + ".java"),
                    provider.formatted(f.module(), f.name(), f.provider(), f.spi(), f.constructor()));
            write(pkg.resolve("config/Size.java"), config.formatted(f.module()));
            args.addAll(List.of(pkg.resolve("FixedLearner.java").toString(),
                    pkg.resolve(f.provider() + ".java").toString(), pkg.resolve("config/Size.java").toString(),
                    root.resolve("module-info.java").toString()));
        }
        PluginJars.javac(args);
        Path out = work.resolve("test-plugin-classes");
        for (Fixture f : fixtures) {
            // META-INF/services as well, so the same jars also work on the class-path fallback.
            write(out.resolve(f.module()).resolve("META-INF/services/dev.perennial.spi.LearnerProvider"),
                    f.module() + "." + f.provider() + "\n");
        }
        return out;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void theTestPluginsAreNotOnTheApplicationPath() {
        PluginRegistry application = PluginRegistry.load(List.of());
        assertFalse(application.contains(PluginKind.LEARNER, "example-linear"),
                "the example must come only from its directory, or every test here would see a duplicate");
    }
}
