package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perennial plugins check} on jars built here: the example plugin passes; plugins with undocumented or
 * default-less configuration fields, a future SPI, a forbidden module requirement or a throwing constructor are
 * reported with what to change. Also {@code perennial plugins}, which must list the healthy plugins beside a
 * broken one.
 */
class PluginCheckTest {

    @TempDir
    static Path work;
    private static Path exampleJar;
    private static Path sloppyJar;
    private static Path futureJar;
    private static Path sneakyJar;
    private static Path brokenJar;

    /** What one CLI call printed and returned. */
    record Result(int status, String out, String err) {}

    @BeforeAll
    static void buildJars() throws IOException {
        exampleJar = PluginJars.exampleJar(work);
        Path classes = compileFixtures();
        sloppyJar = PluginJars.jar(classes.resolve("test.sloppy"), work.resolve("jars/sloppy.jar"));
        futureJar = PluginJars.jar(classes.resolve("test.future"), work.resolve("jars/future.jar"));
        sneakyJar = PluginJars.jar(classes.resolve("test.sneaky"), work.resolve("jars/sneaky.jar"));
        brokenJar = PluginJars.jar(classes.resolve("test.broken"), work.resolve("jars/broken.jar"));
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PerennialCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theExamplePluginPasses() {
        Result r = cli("plugins", "check", exampleJar.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("learner 'example-linear' 1.0.0 from module dev.perennial.example in "
                + exampleJar.toAbsolutePath().normalize()), "names the user's jar, not a temporary copy:\n" + r.out());
        assertTrue(r.out().contains("ok      SPI " + dev.perennial.spi.SpiVersion.CURRENT + " is compatible"), r.out());
        assertTrue(r.out().contains("config LinearSoftmaxConfig: 3 fields, each documented and with a default"),
                r.out());
        assertTrue(r.out().contains("capabilities: scenario:class-incremental"), r.out());
        assertTrue(r.out().contains("the same jar loads through META-INF/services"), r.out());
        assertTrue(r.out().endsWith("1 plugin checked: no problems, 0 warnings" + System.lineSeparator()), r.out());
    }

    @Test
    void undocumentedFieldsMissingDefaultsAndLooseMetadataAreReported() {
        Result r = cli("plugins", "check", sloppyJar.toString());
        assertEquals(1, r.status(), r.out());
        String o = r.out();
        assertTrue(o.contains("PROBLEM config Sloppy: field 'label' has no @ConfigDoc"), o);
        assertTrue(o.contains("PROBLEM config Sloppy: field 'title' has no default (defaultConfig() leaves it null)"),
                o);
        assertFalse(o.contains("field 'size'"), "the documented field with a default is fine:\n" + o);
        assertTrue(o.contains("warning version 'one' is not MAJOR.MINOR[.PATCH]"), o);
        assertTrue(o.contains("warning description() is empty"), o);
        assertTrue(o.contains("warning capability 'frobnicate:yes' is in no group the runtime knows"), o);
        assertTrue(o.contains("warning declares no scenario capability"), o);
        assertTrue(o.contains("applications on the class path will not find learner sloppy-learner (list it in"
                + " META-INF/services/dev.perennial.spi.LearnerProvider)"), o);
        assertTrue(o.contains("1 plugin checked: 2 problems, 5 warnings"), o);
    }

    @Test
    void aPluginBuiltForAFutureSpiIsAProblem() {
        Result r = cli("plugins", "check", futureJar.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("PROBLEM learner 'future-learner'"), r.out());
        assertTrue(r.out().contains("was built for SPI 2.0 but this runtime provides SPI "
                + dev.perennial.spi.SpiVersion.CURRENT), r.out());
    }

    @Test
    void aModuleThatRequiresTheApiIsRefusedWithTheRegistrysMessage() {
        Result r = cli("plugins", "check", sneakyJar.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("PROBLEM plugin module test.sneaky in " + sneakyJar.toAbsolutePath().normalize()
                + " requires dev.perennial.api"), r.out());
        assertTrue(r.out().contains("0 plugins checked: 1 problem"), r.out());
    }

    @Test
    void aDirectoryIsCheckedPluginByPlugin() throws IOException {
        Path dir = Files.createDirectories(work.resolve("dir-check"));
        Files.copy(exampleJar, dir.resolve(exampleJar.getFileName()));
        Files.copy(sloppyJar, dir.resolve(sloppyJar.getFileName()));
        Result r = cli("plugins", "check", dir.toString());
        assertEquals(1, r.status());
        assertTrue(r.out().contains("learner 'example-linear' 1.0.0"), r.out());
        assertTrue(r.out().contains("learner 'sloppy-learner' one"), r.out());
        assertTrue(r.out().contains("2 plugins checked: 2 problems"), r.out());
    }

    @Test
    void aMissingPathIsAUsageError() {
        Result r = cli("plugins", "check", work.resolve("nothing-here.jar").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("nothing-here.jar does not exist; give a plugin jar or a plugin directory"),
                r.err());
    }

    @Test
    void pluginsListsTheHealthyPluginsBesideABrokenOne() throws IOException {
        Path dir = Files.createDirectories(work.resolve("list-broken"));
        Files.copy(exampleJar, dir.resolve(exampleJar.getFileName()));
        Files.copy(brokenJar, dir.resolve(brokenJar.getFileName()));
        Result r = cli("plugins", "--plugin-dir", dir.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*\\n  example-linear +1\\.0\\.0 +Linear softmax classifier .*"), r.out());
        Result wide = cli("plugins", "--wide", "--plugin-dir", dir.toString());
        assertTrue(wide.out().matches("(?s).*\\n  example-linear +1\\.0\\.0 +spi "
                + java.util.regex.Pattern.quote(dev.perennial.spi.SpiVersion.CURRENT) + " .*"), wide.out());
        assertTrue(r.out().matches("(?s).*\\n  broken-learner +BROKEN: learner 'broken-learner' .*could not be"
                + " instantiated: its constructor threw IllegalStateException: no licence file found.*"), r.out());
        assertTrue(r.out().contains("accuracy"), "built-in plugins are still listed:\n" + r.out());
        assertTrue(r.out().contains("1 plugin cannot be used"), r.out());
    }

    @Test
    void referenceDocumentsAPluginDirectoryBesideTheBuiltIns() throws IOException {
        Path dir = Files.createDirectories(work.resolve("reference"));
        Files.copy(exampleJar, dir.resolve(exampleJar.getFileName()));
        Result r = cli("plugins", "reference", "--plugin-dir", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("<a id=\"learner-example-linear\"></a>\n### `example-linear` (learner)"), r.out());
        assertTrue(r.out().contains("plugin (module `dev.perennial.example`)"), r.out());
        assertTrue(r.out().contains("| `initStd` | `double` | `0.01` | Standard deviation of the initial weights"),
                r.out());
        assertTrue(r.out().contains("<a id=\"learner-finetune\"></a>"), "built-ins are documented too");
    }

    // ---- building the jars ------------------------------------------------------------------------------

    private static Path compileFixtures() throws IOException {
        Path src = work.resolve("fixture-src");
        String learner = """
                package %1$s;
                public final class NoLearner implements dev.perennial.spi.Learner {
                    @Override public void beforeTask(dev.perennial.spi.TaskInfo t, dev.perennial.spi.TaskData d) {}
                    @Override public ai.djl.nn.Block model() { return new ai.djl.nn.SequentialBlock(); }
                    @Override public dev.perennial.spi.LossTerms loss(dev.perennial.spi.Batch b,
                            dev.perennial.spi.StepContext s) { throw new UnsupportedOperationException("fixture"); }
                    @Override public dev.perennial.spi.Predictions predict(dev.perennial.spi.Batch b,
                            dev.perennial.spi.StepContext s) { throw new UnsupportedOperationException("fixture"); }
                }
                """;
        String provider = """
                package %1$s;
                @dev.perennial.spi.PluginName("%2$s")
                public final class Provider implements dev.perennial.spi.LearnerProvider<%1$s.Sloppy> {
                    public Provider() { %4$s }
                    @Override public String version() { return "%5$s"; }
                    @Override public String spiVersion() { return "%3$s"; }
                    @Override public Class<Sloppy> configType() { return Sloppy.class; }
                    @Override public Sloppy defaultConfig() { return new Sloppy(1, "x", null); }
                    @Override public java.util.Set<dev.perennial.spi.Capability> capabilities() {
                        return java.util.Set.of(new dev.perennial.spi.Capability("%6$s"));
                    }
                    @Override public dev.perennial.spi.Learner create(Sloppy c, dev.perennial.spi.PluginContext x) {
                        return new NoLearner();
                    }
                }
                """;
        String config = """
                package %1$s;
                public record Sloppy(@dev.perennial.spi.ConfigDoc("Size, >= 1.") int size, String label,
                                     @dev.perennial.spi.ConfigDoc("A title; required.") String title) {}
                """;
        record Fixture(String module, String name, String spi, String constructor, String version,
                       String capability, String requires) {}
        List<Fixture> fixtures = List.of(
                new Fixture("test.sloppy", "sloppy-learner", "1.0", "", "one", "frobnicate:yes", ""),
                new Fixture("test.future", "future-learner", "2.0", "", "1.0.0", "scenario:class-incremental", ""),
                new Fixture("test.sneaky", "sneaky-learner", "1.0", "", "1.0.0", "scenario:class-incremental",
                        "requires dev.perennial.api;"),
                new Fixture("test.broken", "broken-learner", "1.0",
                        "if (true) { throw new IllegalStateException(\"no licence file found\"); }", "1.0.0",
                        "scenario:class-incremental", ""));
        List<String> args = new ArrayList<>(List.of("-d", work.resolve("fixture-classes").toString(),
                "--module-source-path", src.toString(), "--module-path", PluginJars.modulePath(), "-nowarn"));
        for (Fixture f : fixtures) {
            Path root = src.resolve(f.module());
            Path pkg = root.resolve(f.module().replace('.', '/'));
            write(root.resolve("module-info.java"), "module " + f.module() + " { requires dev.perennial.spi; "
                    + f.requires() + " exports " + f.module() + "; provides dev.perennial.spi.LearnerProvider with "
                    + f.module() + ".Provider; }\n");
            write(pkg.resolve("NoLearner.java"), learner.formatted(f.module()));
            write(pkg.resolve("Provider.java"), provider.formatted(f.module(), f.name(), f.spi(), f.constructor(),
                    f.version(), f.capability()));
            write(pkg.resolve("Sloppy.java"), config.formatted(f.module()));
            for (String file : List.of("NoLearner.java", "Provider.java", "Sloppy.java")) {
                args.add(pkg.resolve(file).toString());
            }
            args.add(root.resolve("module-info.java").toString());
        }
        PluginJars.javac(args);
        Path out = work.resolve("fixture-classes");
        for (Fixture f : fixtures) {
            if (!f.module().equals("test.sloppy")) {
                // The sloppy one leaves META-INF/services out: the class-path fallback check must notice.
                write(out.resolve(f.module()).resolve("META-INF/services/dev.perennial.spi.LearnerProvider"),
                        f.module() + ".Provider\n");
            }
        }
        return out;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
