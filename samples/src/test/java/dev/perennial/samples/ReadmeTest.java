package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README says what is true: its plugin table is what {@code perennial plugins} lists; its Java compiles. */
class ReadmeTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Map<String, String> KIND_HEADINGS = Map.of("learners", "learner", "augmenters", "augmenter",
            "distillers", "distiller", "protectors", "protector", "samplers", "sampler", "dataset sources", "dataset",
            "scenarios", "scenario", "metrics", "metric");

    private static String readme() throws IOException {
        return Files.readString(README);
    }

    /** "kind name" for each row of the README's plugin table. */
    private static TreeSet<String> readmeTable(String readme) {
        String section = readme.substring(readme.indexOf("\n## Plugins\n"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        TreeSet<String> out = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| ([a-z]+) \\| `([a-z0-9-]+)` \\| `([a-z.-]+)` \\| .+ \\|$")
                .matcher(section);
        while (row.find()) {
            out.add(row.group(1) + " " + row.group(2));
        }
        return out;
    }

    /** "kind name" for each plugin {@code perennial plugins} lists. */
    private static TreeSet<String> listed() {
        PluginCheckTest.Result r = PluginCheckTest.cli("plugins");
        assertEquals(0, r.status(), r.out() + r.err());
        TreeSet<String> out = new TreeSet<>();
        String kind = null;
        for (String line : r.out().split("\n")) {
            Matcher heading = Pattern.compile("^([a-z ]+) \\(\\d+\\)$").matcher(line);
            if (heading.matches()) {
                kind = KIND_HEADINGS.get(heading.group(1));
                continue;
            }
            Matcher plugin = Pattern.compile("^  ([a-z0-9-]+) .*").matcher(line);
            if (plugin.matches()) {
                out.add(kind + " " + plugin.group(1));
            }
        }
        return out;
    }

    @Test
    void everyPluginTheReadmeNamesIsListedAndEveryListedOneIsInTheReadme() throws IOException {
        TreeSet<String> table = readmeTable(readme());
        TreeSet<String> listed = listed();
        assertTrue(table.size() >= 40, "parsed the README's plugin table: " + table);
        TreeSet<String> notListed = new TreeSet<>(table);
        notListed.removeAll(listed);
        assertEquals(new TreeSet<>(), notListed, "in the README but not listed by `perennial plugins`");
        TreeSet<String> notInReadme = new TreeSet<>(listed);
        notInReadme.removeAll(table);
        assertEquals(new TreeSet<>(), notInReadme, "listed by `perennial plugins` but missing from the README");
    }

    @Test
    void theEmbeddingExampleAndTheJavaExperimentCompile(@TempDir Path dir) throws IOException {
        String readme = readme();
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```java\\n(.*?)```").matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        Map<String, String> sources = new TreeMap<>();
        for (String block : blocks) {
            Matcher cls = Pattern.compile("(?m)^public class (\\w+)").matcher(block);
            if (cls.find()) {
                sources.put(cls.group(1), block);
            } else if (block.contains("Perennial.builder()")) {
                // The short "experiment in Java" fragment: a method body.
                sources.put("JavaExperimentFragment", """
                        import dev.perennial.api.Perennial;
                        import dev.perennial.api.RunReport;
                        import dev.perennial.api.events.AccuracyTable;
                        import dev.perennial.api.events.ProgressBar;
                        import java.util.Map;

                        public class JavaExperimentFragment {
                            static void run() {
                        """ + block + "    }\n}\n");
            }
        }
        assertTrue(sources.containsKey("ShapesExperiment"), "the README's embedding example: " + sources.keySet());
        assertTrue(sources.containsKey("JavaExperimentFragment"), sources.keySet().toString());
        List<String> args = new ArrayList<>(List.of("-d", dir.resolve("classes").toString(), "-proc:none"));
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isBlank()) {
            args.addAll(List.of("--module-path", modulePath, "--add-modules", "dev.perennial.api"));
        } else {
            args.addAll(List.of("-classpath", System.getProperty("java.class.path")));
        }
        for (var e : sources.entrySet()) {
            Path file = dir.resolve("src").resolve(e.getKey() + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        PluginJars.javac(args);
        assertTrue(Files.isRegularFile(dir.resolve("classes/ShapesExperiment.class")));
    }
}
