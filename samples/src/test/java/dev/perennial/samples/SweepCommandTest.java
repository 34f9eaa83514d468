package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perennial sweep} end to end: a 2 x 2 sweep (finetune and ewc, seeds 1 and 2) of tiny generated-shapes
 * runs, each in its own java process; sweep.json, sweep.csv and the table; run again, every point is skipped.
 */
class SweepCommandTest {
    private static final String BASE = """
            name: tiny
            seed: 5
            dataset: {name: generated-shapes, config: {classes: 4, trainPerClass: 12, testPerClass: 4, size: 16}}
            scenario: {name: class-incremental, config: {increment: 2}}
            learner: {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}
            training: {epochs: 1, batchSize: 16, dataWorkers: 1}
            """;

    @TempDir
    Path dir;

    @Test
    void aTwoByTwoSweepRunsEachPointInItsOwnProcessAndResumes() throws Exception {
        Files.writeString(dir.resolve("tiny.yaml"), BASE);
        Path file = Files.writeString(dir.resolve("pair.yaml"), """
                base: tiny.yaml
                axes:
                  learner:
                    - {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}
                    - {name: ewc, config: {backbone: {channels: 4, featureDim: 16}}}
                  seed: [1, 2]
                parallel: 2
                """);
        Path out = dir.resolve("out");
        PluginCheckTest.Result r = PluginCheckTest.cli("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.out() + r.err() + logs(out));
        List<String> names = List.of("pair-finetune-s1", "pair-finetune-s2", "pair-ewc-s1", "pair-ewc-s2");
        for (String n : names) {
            assertTrue(Files.isRegularFile(out.resolve(n).resolve("log.txt")), n);
            try (Stream<Path> s = Files.list(out.resolve(n))) {
                Path run = s.filter(Files::isDirectory).findFirst().orElseThrow();
                assertTrue(run.getFileName().toString().startsWith(n + "-"), run.toString());
                String config = Files.readString(run.resolve("experiment.json"));
                assertTrue(config.contains("\"seeds\" : \"paired\"") || config.contains("\"seeds\":\"paired\""),
                        config);
            }
        }
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(5, csv.size(), String.join("\n", csv));
        for (int i = 0; i < 4; i++) {
            String[] cells = csv.get(i + 1).split(",");
            assertEquals(names.get(i), cells[0]);
            assertEquals("ran", cells[8], csv.get(i + 1));
            double avg = Double.parseDouble(cells[3]);
            assertTrue(avg >= 0 && avg <= 1, csv.get(i + 1));
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        assertEquals(4, json.get("points").size());
        assertEquals("paired", json.get("seeds").asText());
        assertTrue(r.out().contains("pair-finetune   2/2 "), r.out());
        assertTrue(r.out().contains("pair-ewc        2/2 "), r.out());
        assertTrue(r.out().contains(" ± "), r.out());

        // Paired points see the same batches from the same initial model: on the first task EWC has no Fisher yet and
        // is finetune, so the two learners' first-task loss curves are identical, seed by seed. (Not LwF: as PyCIL's,
        // it re-draws the new classes' head rows at every task's start, the first included.)
        for (int seed = 1; seed <= 2; seed++) {
            assertEquals(firstTaskLoss(out, "pair-finetune-s" + seed), firstTaskLoss(out, "pair-ewc-s" + seed));
        }
        assertTrue(!firstTaskLoss(out, "pair-finetune-s1").equals(firstTaskLoss(out, "pair-finetune-s2")));

        PluginCheckTest.Result again = PluginCheckTest.cli("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, again.status(), again.out() + again.err());
        assertEquals(4, again.out().lines().filter(l -> l.contains("skipped pair-")).count(), again.out());
        assertEquals(csv.subList(1, 5).stream().map(l -> l.replace(",ran,", ",skipped,")).toList(),
                Files.readAllLines(out.resolve("sweep.csv")).subList(1, 5));

        // The comparison page, and `report` renders it again from the folder against another baseline.
        String page = Files.readString(out.resolve("sweep-report.html"));
        assertEquals(2, count(page, "<tr class=\"method-row\""), page);
        assertEquals(4, count(page, "<tr class=\"comparison-row\" data-metric=\"") , "ewc vs finetune, 4 metrics");
        assertTrue(page.contains("data-method=\"ewc\" data-pairs=\"2\""), "paired on both seeds");
        PluginCheckTest.Result report = PluginCheckTest.cli("report", out.toString(), "--baseline", "ewc");
        assertEquals(0, report.status(), report.out() + report.err());
        String again2 = Files.readString(out.resolve("sweep-report.html"));
        assertTrue(again2.contains("data-method=\"finetune\" data-pairs=\"2\""), "finetune against ewc now");
        PluginCheckTest.Result wrong = PluginCheckTest.cli("report", out.toString(), "--baseline", "lwf");
        assertEquals(PerennialCli.BAD_INPUT, wrong.status(), wrong.out() + wrong.err());
        assertTrue(wrong.err().contains("baseline 'lwf' is not a method of the sweep; its methods are: finetune, ewc"),
                wrong.err());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    @Test
    void aPrepareStageRunsOnceBeforeTheGridInItsOwnProcessAndIsSkippedWhenFinished() throws Exception {
        Files.writeString(dir.resolve("tiny.yaml"), BASE);
        // The grid's points name the stage's export folder as a plugin folder: a point whose path were wrong (or
        // whose folder the stage had not made) would fail ("plugin folder ... does not exist").
        Files.writeString(dir.resolve("grid-base.yaml"), BASE + "pluginDirectories: [\"${prepare.warm.export}\"]\n");
        Path file = Files.writeString(dir.resolve("staged.yaml"), """
                base: grid-base.yaml
                prepare:
                  warm: {experiment: tiny.yaml}
                axes: {seed: [1, 2]}
                parallel: 2
                """);
        Path out = dir.resolve("out");
        PluginCheckTest.Result r = PluginCheckTest.cli("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.out() + r.err() + logs(out) + logs(out.resolve("prepare")));
        Path stage = out.resolve("prepare").resolve("warm");
        assertTrue(Files.isRegularFile(stage.resolve("log.txt")), "the stage ran in its own process");
        Path stageRun;
        try (Stream<Path> s = Files.list(stage)) {
            stageRun = s.filter(d -> Files.isRegularFile(d.resolve("report.json"))).findFirst().orElseThrow();
        }
        assertTrue(stageRun.getFileName().toString().startsWith("staged-prepare-warm-"), stageRun.toString());
        assertTrue(r.out().indexOf("prepare: finished warm") < r.out().indexOf("started staged-"), r.out());
        for (String n : List.of("staged-finetune-s1", "staged-finetune-s2")) {
            try (Stream<Path> s = Files.list(out.resolve(n))) {
                Path run = s.filter(Files::isDirectory).findFirst().orElseThrow();
                String config = Files.readString(run.resolve("experiment.json"));
                assertTrue(config.contains(stage.toAbsolutePath().normalize().resolve("export").toString()), config);
            }
        }
        PluginCheckTest.Result again = PluginCheckTest.cli("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, again.status(), again.out() + again.err());
        assertTrue(again.out().contains("prepare: skipped warm (finished: "), again.out());
        assertEquals(1, count(again.out(), "prepare: skipped "), again.out());
        assertEquals(2, count(again.out(), "  skipped staged-"), again.out());
        try (Stream<Path> s = Files.list(stage)) {
            assertEquals(1, s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().equals("export"))
                    .count(), "the finished stage did not run again");
        }
        // The Spark executor's plan is written after the prepare stage (here: found finished), on the driver.
        Path plan = dir.resolve("plan.json");
        PluginCheckTest.Result planned = PluginCheckTest.cli("sweep", file.toString(), "--out", out.toString(),
                "--write-plan", plan.toString());
        assertEquals(0, planned.status(), planned.out() + planned.err());
        assertTrue(planned.out().contains("prepare: skipped warm (finished: "), planned.out());
        assertTrue(Files.readString(plan).contains(stage.toAbsolutePath().normalize().resolve("export").toString()),
                Files.readString(plan));
    }

    @Test
    void aFailedPrepareStageStopsTheSweepWithOneLine() throws Exception {
        Files.writeString(dir.resolve("tiny.yaml"), BASE);
        // It binds (the parent checks every plugin's fields) but its run fails: the data set's folder is missing.
        Files.writeString(dir.resolve("broken.yaml"), BASE.replaceFirst("dataset: .*\n",
                "dataset: {name: image-folder, config: {path: " + dir.resolve("no-images") + "}}\n"));
        Path file = Files.writeString(dir.resolve("staged.yaml"), """
                base: tiny.yaml
                prepare: {warm: {experiment: broken.yaml}}
                axes: {seed: [1]}
                """);
        Path out = dir.resolve("out");
        PluginCheckTest.Result r = PluginCheckTest.cli("sweep", file.toString(), "--out", out.toString());
        assertEquals(PerennialCli.FAILED, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("perennial: staged.yaml: prepare stage 'warm' failed (warm: exit code "),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(out.resolve("staged-finetune-s1")), "the grid did not run");
    }

    @Test
    void theHelpShowsThePlaceholdersAsWritten() throws Exception {
        // picocli interpolates ${...} in help texts (an unknown one becomes "null") unless written $${...}.
        PluginCheckTest.Result r = PluginCheckTest.cli("sweep", "--help");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("${prepare.teacher.export} and ${prepare.teacher.dir}"), r.out());
    }

    @Test
    void aWrongLearnerIsBadInputBeforeAnythingRuns() throws Exception {
        Files.writeString(dir.resolve("tiny.yaml"), BASE);
        Path file = Files.writeString(dir.resolve("bad.yaml"), "base: tiny.yaml\naxes: {learner: [finetun]}\n");
        PluginCheckTest.Result r = PluginCheckTest.cli("sweep", file.toString(), "--out", dir.resolve("o").toString());
        assertEquals(PerennialCli.BAD_INPUT, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("perennial: bad.yaml: point bad-finetun-s5: ")
                && r.err().contains("finetun"), r.err());
        assertTrue(!Files.exists(dir.resolve("o")), "nothing ran");
    }

    @Test
    void aBaseWithACompareSectionIsBadInputUnlessTheSweepClearsIt() throws Exception {
        Files.copy(Path.of("src/main/resources/dev/perennial/samples/continual-vqa.yaml"), dir.resolve("vqa.yaml"));
        Path file = Files.writeString(dir.resolve("cmp.yaml"), "base: vqa.yaml\naxes: {learner: [llaca, lora-seq]}\n");
        PluginCheckTest.Result r = PluginCheckTest.cli("sweep", file.toString(), "--out", dir.resolve("o").toString(),
                "--dry-run");
        assertEquals(PerennialCli.BAD_INPUT, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("perennial: cmp.yaml: point ") && r.err().contains("compare: [null]"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path cleared = Files.writeString(dir.resolve("ok.yaml"),
                "base: vqa.yaml\naxes: {compare: [null], learner: [llaca, lora-seq]}\n");
        PluginCheckTest.Result dry = PluginCheckTest.cli("sweep", cleared.toString(), "--out",
                dir.resolve("o2").toString(), "--dry-run");
        assertEquals(0, dry.status(), dry.out() + dry.err());
        assertTrue(dry.out().contains("2 points"), dry.out());
    }

    private static JsonNode firstTaskLoss(Path out, String point) throws java.io.IOException {
        try (Stream<Path> s = Files.list(out.resolve(point))) {
            Path run = s.filter(Files::isDirectory).findFirst().orElseThrow();
            JsonNode loss = new ObjectMapper().readTree(run.resolve("report.json").toFile()).get("lossCurves").get(0);
            assertTrue(loss.size() > 0, point);
            return loss;
        }
    }

    private static String logs(Path out) throws java.io.IOException {
        if (!Files.isDirectory(out)) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(f -> f.getFileName().toString().equals("log.txt")).toList()) {
                b.append("\n--- ").append(p).append('\n').append(Files.readString(p));
            }
        }
        return b.toString();
    }
}
