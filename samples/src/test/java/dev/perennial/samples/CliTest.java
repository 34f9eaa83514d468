package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.registry.PluginException;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The {@code perennial} command line: help for every command, {@code --version}, did-you-mean, {@code --set},
 * {@code --plugin-dir} on run and resume, {@code report}, {@code completion} and the exit codes.
 */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TINY = """
            name: tiny-cli
            seed: 5
            dataset: {name: generated-shapes, config: {classes: 4, trainPerClass: 12, testPerClass: 4, size: 16}}
            scenario: {name: class-incremental, config: {increment: 2}}
            learner: {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}
            training: {epochs: 2, batchSize: 16, dataWorkers: 1}
            """;

    private static PluginCheckTest.Result cli(String... args) {
        return PluginCheckTest.cli(args);
    }

    private static Path tiny(Path dir) throws IOException {
        return Files.writeString(dir.resolve("tiny.yaml"), TINY);
    }

    static Path onlyRun(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), "one run folder in " + runs + ": " + all);
            return all.get(0);
        }
    }

    // ---- help, version, did you mean -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "resume", "plugins", "plugins list", "plugins check", "plugins reference",
        "report", "export", "sweep", "completion"})
    void everyCommandHasItsOwnHelp(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        PluginCheckTest.Result r = cli(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Usage: perennial" + (command.isEmpty() ? " " : " " + command + " ")),
                r.out());
        assertTrue(r.out().contains("--help"), r.out());
    }

    @Test
    void everyHelpTextIsAValidFormatString() {
        // picocli formats descriptions with String.format: a lone '%' makes it print a WARN and the raw text
        List<String> bad = new ArrayList<>();
        Deque<CommandLine> todo = new ArrayDeque<>(List.of(PerennialCli.commandLine(System.out, System.err)));
        while (!todo.isEmpty()) {
            CommandLine c = todo.pop();
            todo.addAll(c.getSubcommands().values());
            CommandLine.Model.CommandSpec spec = c.getCommandSpec();
            List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
            texts.addAll(List.of(spec.usageMessage().footer()));
            texts.addAll(List.of(spec.usageMessage().header()));
            spec.options().forEach(o -> texts.addAll(List.of(o.description())));
            spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
            for (String text : texts) {
                try {
                    String.format(text);
                } catch (IllegalFormatException e) {
                    bad.add(spec.qualifiedName() + ": " + e + " in '" + text + "'");
                }
            }
        }
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }

    @Test
    void helpDocumentsTheExitCodes() {
        for (String command : List.of("--help", "run --help", "resume --help")) {
            PluginCheckTest.Result r = cli(command.split(" "));
            assertTrue(r.out().contains("0 ok, 1 run failed, 2 bad input"), command + ":\n" + r.out());
            assertTrue(r.out().contains("130 interrupted"), command + ":\n" + r.out());
        }
    }

    @Test
    void versionNamesTheProjectSpiDjlLibtorchAndTheDevice() {
        PluginCheckTest.Result r = cli("--version");
        assertEquals(0, r.status(), r.err());
        String o = r.out();
        assertTrue(o.startsWith("perennial " + VersionInfo.project() + "\n"), o);
        assertFalse(VersionInfo.project().equals("unknown") || VersionInfo.project().contains("${"),
                "the build filled in version.properties: " + VersionInfo.project());
        assertTrue(o.contains("\nSPI " + SpiVersion.CURRENT + "\n"), o);
        assertTrue(o.contains("\nDJL 0.36.0 "), o);
        assertTrue(o.contains("\nlibtorch 2.7.1 "), o);
        assertTrue(o.contains("\nengine PyTorch 2.7.1 (loaded), flavour " + (o.contains("gpu(0)") ? "cuda" : "cpu")), o);
        assertTrue(o.contains("\nlibtorch from the bundled native jar or DJL's cache (JNI built for 2.7.1)\n")
                || o.contains("\nlibtorch from PYTORCH_LIBRARY_PATH "), o);
        assertTrue(o.contains("\nnative downloads off (offline;"), "tests run offline: " + o);
        assertTrue(o.matches("(?s).*\\ndevices cpu(, gpu\\(\\d+\\))*( \\(no GPU visible\\))?; default (cpu\\(\\)|gpu\\(\\d+\\))\\n.*"), o);
    }

    @Test
    void aMistypedCommandOrOptionGetsTheNearestOne() {
        PluginCheckTest.Result r = cli("rnu");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("perennial: unknown command 'rnu' of perennial; commands: run, resume,"), r.err());
        assertTrue(r.err().contains("did you mean 'run'?"), r.err());

        r = cli("plugins", "chek", "x.jar");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("did you mean 'check'?"), r.err());

        r = cli("run", "--sett", "training.epochs=1");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("perennial: unknown option '--sett' of perennial run"), r.err());
        assertTrue(r.err().contains("did you mean '--set'?"), r.err());
        assertTrue(r.err().contains("Try 'perennial run --help'."), r.err());

        r = cli("resume", "--plugin-dri", "x", "y");
        assertTrue(r.err().contains("did you mean '--plugin-dir'?"), r.err());
    }

    // ---- exit codes ---------------------------------------------------------------------------------------

    @Test
    void badInputExitsWithTwoAndOneLine(@TempDir Path dir) throws IOException {
        Path file = tiny(dir);
        String[][] cases = {
            {},
            {"run", dir.resolve("missing.yaml").toString()},
            {"run", file.toString(), "extra-argument"},
            {"run", file.toString(), "--set", "training"},
            {"resume", dir.toString()},
            {"resume", dir.resolve("missing").toString()},
            {"report", dir.toString()},
            {"plugins", "--plugin-dir", dir.resolve("missing").toString()},
            {"plugins", "check", dir.resolve("missing.jar").toString()},
        };
        for (String[] args : cases) {
            PluginCheckTest.Result r = cli(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("perennial: "), String.join(" ", args) + ": " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "bad input leaves no run folder");
        }
    }

    @Test
    void exceptionsMapToTheDocumentedExitCodes() {
        assertEquals(2, PerennialCli.exitCode(new ConfigException("x")));
        assertEquals(2, PerennialCli.exitCode(new PluginException("x")));
        assertEquals(2, PerennialCli.exitCode(new IllegalArgumentException("x")));
        assertEquals(1, PerennialCli.exitCode(new IllegalStateException("x")));
        assertEquals(130, PerennialCli.exitCode(new IllegalStateException(new InterruptedException())));
        assertEquals(2, PerennialCli.exitCode(new IllegalStateException("Unable to provision",
                new PluginException("plugin directory /x does not exist"))), "wrapped bad input");
        assertEquals(130, PerennialCli.exitCode(new java.io.UncheckedIOException(
                new java.nio.channels.ClosedByInterruptException())));
    }

    // ---- --set --------------------------------------------------------------------------------------------

    @Test
    void aBadOverrideNamesTheArgument(@TempDir Path dir) throws IOException {
        Path file = tiny(dir);
        PluginCheckTest.Result r = cli("run", file.toString(), "--set", "training.epochz=1", "--run-dir",
                dir.resolve("runs").toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("perennial: --set training.epochz=1: "), r.err());
        assertTrue(r.err().contains("epochs"), "names the accepted fields: " + r.err());

        r = cli("run", file.toString(), "--set", "learner.config.backbone.chanels=8", "--run-dir",
                dir.resolve("runs").toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("perennial: --set learner.config.backbone.chanels=8: learner 'finetune'"),
                r.err());
        assertTrue(r.err().contains("chanels"), r.err());

        r = cli("run", file.toString(), "--set", "learner=finetun", "--run-dir", dir.resolve("runs").toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--set learner=finetun"), r.err());
        assertTrue(r.err().contains("finetune"), "suggests the nearest name: " + r.err());
        assertFalse(Files.exists(dir.resolve("runs")), "no run folder for bad input");
    }

    @Test
    void overridesReachTheRunAndItsRecordedExperiment(@TempDir Path dir) throws IOException {
        Path file = tiny(dir);
        PluginCheckTest.Result r = cli("run", file.toString(), "--set", "training.epochs=1",
                "--set", "learner.config.backbone.featureDim=8", "--run-dir", dir.resolve("runs").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        JsonNode experiment = JSON.readTree(onlyRun(dir.resolve("runs")).resolve("experiment.json").toFile());
        assertEquals(1, experiment.get("training").get("epochs").asInt());
        assertEquals(8, experiment.get("learner").get("config").get("backbone").get("featureDim").asInt());
        assertEquals(4, experiment.get("learner").get("config").get("backbone").get("channels").asInt());
        assertEquals(16, experiment.get("training").get("batchSize").asInt(), "the file's other values stay");
    }

    // ---- --plugin-dir on run and resume, report -----------------------------------------------------------

    @Test
    void pluginFoldersAreRecordedAbsoluteAndResumeCanBeGivenNewOnes(@TempDir Path dir) throws IOException {
        // A relative --plugin-dir (relative to this process's folder, the samples module).
        Path relative = Path.of("target", "cli-test-plugins-" + ProcessHandle.current().pid());
        Path first = relative.resolve("a");
        Files.createDirectories(first);
        Path jar = PluginJars.exampleJar(dir.resolve("work"));
        Files.copy(jar, first.resolve(jar.getFileName()));
        Path file = Files.writeString(dir.resolve("plugin.yaml"), TINY.replace(
                "learner: {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}",
                "learner: example-linear"));
        PluginCheckTest.Result r = cli("run", file.toString(), "--plugin-dir", first.toString(), "--run-dir",
                dir.resolve("runs").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        Path run = onlyRun(dir.resolve("runs"));
        JsonNode experiment = JSON.readTree(run.resolve("experiment.json").toFile());
        assertEquals(first.toAbsolutePath().normalize().toString(), experiment.get("pluginDirectories").get(0)
                .asText(), "recorded absolute, so resume works from any folder");
        JsonNode report = JSON.readTree(run.resolve("report.json").toFile());

        // The jars move: resume without --plugin-dir cannot find the learner, with it finishes the run again.
        Path moved = Files.move(first, relative.resolve("b"));
        Files.delete(run.resolve("report.json"));
        PluginCheckTest.Result lost = cli("resume", run.toString());
        assertEquals(2, lost.status(), lost.out() + lost.err());
        assertTrue(lost.err().startsWith("perennial: "), lost.err());
        assertTrue(lost.err().contains(first.toAbsolutePath().normalize().toString()), lost.err());
        assertEquals(1, lost.err().strip().lines().count(), "one line: " + lost.err());

        PluginCheckTest.Result resumed = cli("resume", run.toString(), "--plugin-dir", moved.toString());
        assertEquals(0, resumed.status(), resumed.out() + resumed.err());
        JsonNode again = JSON.readTree(run.resolve("report.json").toFile());
        assertEquals(report.get("accuracyMatrix"), again.get("accuracyMatrix"));
        deleteTree(relative);
    }

    @Test
    void reportRendersThePageAndTheCsvAgain(@TempDir Path dir) throws IOException {
        PluginCheckTest.Result r = cli("run", tiny(dir).toString(), "--run-dir", dir.resolve("runs").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        Path run = onlyRun(dir.resolve("runs"));
        String page = Files.readString(run.resolve("report.html"));
        Files.delete(run.resolve("report.html"));

        PluginCheckTest.Result rendered = cli("report", run.toString());
        assertEquals(0, rendered.status(), rendered.err());
        assertEquals(page, Files.readString(run.resolve("report.html")), "the same page as the run wrote");
        assertTrue(rendered.out().startsWith("accuracy matrix (row: after training task i"), rendered.out());
        List<String> csv = Files.readAllLines(run.resolve(ReportCommand.CSV));
        assertEquals("metric,trained_task,trained,evaluated_task,evaluated,value", csv.get(0));
        assertEquals(1 + 4, csv.size(), "2 tasks: a header and 4 cells:\n" + csv);
        JsonNode report = JSON.readTree(run.resolve("report.json").toFile());
        assertEquals("accuracy,task-0,0,task-0,0," + report.get("accuracyMatrix").get(0).get(0).asDouble(),
                csv.get(1));
        assertTrue(csv.get(2).matches("accuracy,task-0,0,task-1,1,"), "not evaluated: empty: " + csv.get(2));

        Path elsewhere = dir.resolve("elsewhere");
        assertEquals(0, cli("report", run.toString(), "--output", elsewhere.toString()).status());
        assertTrue(Files.isRegularFile(elsewhere.resolve("report.html")));
    }

    @Test
    void csvQuotesFieldsWithCommasAndQuotes() {
        assertEquals("task-1", ReportCommand.quote("task-1"));
        assertEquals("\"a,b\"", ReportCommand.quote("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ReportCommand.quote("say \"hi\""));
    }

    @Test
    void completionPrintsABashScriptForEveryCommand() {
        PluginCheckTest.Result r = cli("completion");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("complete -F _complete_perennial"), r.out());
        for (String command : List.of("run", "resume", "plugins", "report", "--plugin-dir", "--set")) {
            assertTrue(r.out().contains(command), command + " is completed");
        }
    }

    @Test
    void thePluginListFitsOneHundredColumnsAndWideAddsWhereEachComesFrom() {
        PluginCheckTest.Result r = cli("plugins");
        assertEquals(0, r.status(), r.err());
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() <= PluginsCommand.WIDTH, line.length() + " columns: " + line);
        }
        assertTrue(r.out().contains("\ndistillers (5)\n"), r.out()); // cakd, fitnet, kd, ofa; diffusionfake (deepfake)
        assertTrue(r.out().contains("\nprotectors (3)\n"), r.out());
        assertTrue(r.out().contains("\nsamplers (1)\n"), r.out());
        PluginCheckTest.Result wide = cli("plugins", "list", "--wide");
        assertTrue(wide.out().contains("from: built-in module dev.perennial.distillation"), wide.out());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
