package dev.perennial.samples;

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

/** Plugin jars for the tests: the example plugin's, and jars packed from compiled classes. */
final class PluginJars {
    private static final Path EXAMPLE = Path.of("..", "plugins", "example");

    private PluginJars() {}

    /**
     * The example plugin's compiled classes: Maven's output when the module was built, else compiled from its
     * sources into {@code work}.
     */
    static Path exampleClasses(Path work) throws IOException {
        Path built = EXAMPLE.resolve("target/classes");
        if (Files.isRegularFile(built.resolve("module-info.class"))
                && Files.isRegularFile(built.resolve("dev/perennial/example/LinearSoftmaxProvider.class"))) {
            return built;
        }
        Path out = work.resolve("example-classes");
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--module-path", modulePath()));
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src/main/java"))) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        javac(args);
        Path services = EXAMPLE.resolve("src/main/resources/META-INF/services/dev.perennial.spi.LearnerProvider");
        Path target = out.resolve("META-INF/services/dev.perennial.spi.LearnerProvider");
        Files.createDirectories(target.getParent());
        Files.writeString(target, Files.readString(services));
        return out;
    }

    /** The example plugin packed as {@code work/jars/perennial-plugin-example.jar}. */
    static Path exampleJar(Path work) throws IOException {
        return jar(exampleClasses(work), work.resolve("jars").resolve("perennial-plugin-example.jar"));
    }

    /** The application's module path (or class path), which holds the SPI, DJL's API and Jackson. */
    static String modulePath() {
        String path = System.getProperty("jdk.module.path");
        return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
    }

    static void javac(List<String> args) {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() ->
                new IllegalStateException("this test builds plugin jars and needs a JDK (javac), not a JRE"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        int status = javac.run(out, out, args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("javac failed (" + status + "):\n" + log.toString(StandardCharsets.UTF_8));
        }
    }

    /** Packs a classes folder into a jar (entries in sorted order, '/' separators). */
    static Path jar(Path classes, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
