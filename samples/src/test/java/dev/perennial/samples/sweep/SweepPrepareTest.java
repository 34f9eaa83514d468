package dev.perennial.samples.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep's prepare stage: reading, the stage runs it needs, placeholders in the base, the axes and the stages. */
class SweepPrepareTest {
    @TempDir
    Path dir;

    private SweepFile sweep(String base, String text) throws IOException {
        Files.writeString(dir.resolve("base.yaml"), base);
        Files.writeString(dir.resolve("warm.yaml"), SweepGridTest.BASE);
        return SweepFile.read(Files.writeString(dir.resolve("grid.yaml"), text));
    }

    private String error(String base, String text) {
        return assertThrows(ConfigException.class, () -> {
            SweepFile s = sweep(base, text);
            SweepPrepare.runs(s, SweepGrid.expand(s, dir.resolve("out")), dir.resolve("out"));
        }).getMessage();
    }

    @Test
    void placeholdersBecomeTheStagesFoldersAndPerSeedStagesRunOncePerSeed() throws IOException {
        // The base names the once-run stage; an axis value names the per-seed stage; the per-seed stage names the
        // once-run stage and itself.
        String base = SweepGridTest.BASE + "pluginDirectories: [\"${prepare.warm.export}\"]\n";
        SweepFile s = sweep(base, """
                base: base.yaml
                prepare:
                  warm: {experiment: warm.yaml}
                  tune:
                    perSeed: true
                    experiment:
                      name: tune
                      dataset:
                        name: generated-shapes
                        config: {classes: 4, trainPerClass: 12, testPerClass: 4, size: 16}
                      scenario: {name: class-incremental, config: {increment: 2}}
                      learner: finetune
                      pluginDirectories: ["${prepare.warm.dir}", "${prepare.tune.export}"]
                axes:
                  learner:
                    - finetune
                    - {name: lwf, config: {backbone: {checkpoint: "${prepare.tune.export}/net.safetensors"}}}
                  seed: [1, 2]
                """);
        assertEquals(List.of("warm", "tune"), s.prepare().stream().map(SweepPrepare.Stage::name).toList());
        Path out = dir.resolve("out");
        Path prepared = out.toAbsolutePath().normalize().resolve("prepare");
        List<SweepPoint> points = SweepGrid.expand(s, out);
        SweepPoint p = points.get(3); // lwf, seed 2
        assertEquals("grid-lwf-s2", p.name());
        assertEquals(List.of(prepared.resolve("warm/export").toString()), p.config().pluginDirectories());
        assertEquals(prepared.resolve("tune-s2/export/net.safetensors").toString(),
                p.config().learner().config().get("backbone").get("checkpoint").asText());
        // The axis values keep the placeholder (they name the method in the comparison).
        assertTrue(p.axisValues().get("learner").contains("${prepare.tune.export}"), p.axisValues().toString());

        List<SweepPrepare.Run> runs = SweepPrepare.runs(s, points, out);
        assertEquals(List.of("warm", "tune-s1", "tune-s2"), runs.stream().map(r -> r.point().name()).toList());
        assertEquals(5, runs.get(0).point().seed(), "a stage that runs once keeps its experiment's seed");
        assertEquals(2, runs.get(2).point().seed());
        assertEquals("grid-prepare-tune-s2", runs.get(2).point().config().name());
        assertEquals(List.of(prepared.resolve("warm").toString(), prepared.resolve("tune-s2/export").toString()),
                runs.get(2).point().config().pluginDirectories());
        assertEquals(prepared.resolve("tune-s1"), SweepPrepare.folder(out, runs.get(1).stage(), 1));
    }

    @Test
    void aPathWithQuotesIsEscapedInAnAxisValue() throws IOException {
        SweepFile s = sweep(SweepGridTest.BASE, """
                base: base.yaml
                prepare: {warm: {experiment: warm.yaml}}
                axes: {learner: [{name: lwf, config: {backbone: {checkpoint: "${prepare.warm.dir}/a.st"}}}]}
                """);
        Path out = dir.resolve("o\"ut");
        SweepPoint p = SweepGrid.expand(s, out).get(0);
        assertEquals(out.toAbsolutePath().normalize().resolve("prepare/warm/a.st").toString(),
                p.config().learner().config().get("backbone").get("checkpoint").asText());
    }

    @Test
    void aStageWithADirectoryRunsThereSoThatSweepsShareIt() throws IOException {
        Path shared = dir.resolve("shared");
        SweepFile s = sweep(SweepGridTest.BASE, "base: base.yaml\nprepare: {warm: {experiment: warm.yaml,"
                + " directory: '" + shared + "'}}\n"
                + "axes: {learner: [{name: lwf, config: {backbone: {checkpoint: '${prepare.warm.export}/a.st'}}}]}\n");
        Path out = dir.resolve("out");
        SweepPoint p = SweepGrid.expand(s, out).get(0);
        assertEquals(shared.resolve("warm/export/a.st").toString(),
                p.config().learner().config().get("backbone").get("checkpoint").asText());
        SweepPrepare.Run run = SweepPrepare.runs(s, List.of(p), out).get(0);
        assertEquals(shared.resolve("warm"), SweepPrepare.folder(out, run.stage(), p.seed()));
        assertTrue(SweepPrepare.finished(run, out).isEmpty());
    }

    @Test
    void badPrepareStagesGiveOneLineErrors() {
        String base = SweepGridTest.BASE;
        String m = error(base, "base: base.yaml\nprepare: {warm: {experiment: warm.yaml}}\n"
                + "axes: {learner: [{name: lwf, config: {backbone: {checkpoint: '${prepare.teacher.export}'}}}]}\n");
        assertEquals("grid.yaml: axes.learner: ${prepare.teacher.export} names no prepare stage; stages: warm", m);
        m = error(base + "pluginDirectories: ['${prepare.warm.exported}']\n",
                "base: base.yaml\nprepare: {warm: {experiment: warm.yaml}}\naxes: {seed: [1]}\n");
        assertEquals("grid.yaml: base: pluginDirectories.0: ${prepare.warm.exported}: unknown key 'exported'; a stage"
                + " gives export and dir", m);
        m = error(base + "pluginDirectories: ['${prepare.warm.dir}']\n", "base: base.yaml\naxes: {seed: [1]}\n");
        assertEquals("grid.yaml: base: pluginDirectories.0: ${prepare.warm.dir} names no prepare stage (the sweep"
                + " file has no prepare section)", m);
        m = error(base, "base: base.yaml\nprepare: {warm: {experiment: warm.yaml, perseed: true}}\n"
                + "axes: {seed: [1]}\n");
        assertEquals("grid.yaml: prepare.warm: unknown field 'perseed'; accepted fields: experiment, perSeed,"
                + " directory", m);
        m = error(base, "base: base.yaml\nprepare: {warm: {experiment: nowhere.yaml}}\naxes: {seed: [1]}\n");
        assertTrue(m.startsWith("grid.yaml: prepare.warm.experiment: no experiment file "), m);
        m = error(base, "base: base.yaml\nprepare: {warm: {experiment: {name: w, dataset: x,"
                + " pluginDirectories: ['${prepare.later.dir}']}}, later: {experiment: warm.yaml}}\n"
                + "axes: {seed: [1]}\n");
        assertTrue(m.startsWith("grid.yaml: prepare.warm: ${prepare.later.…} names a stage that runs after it"), m);
        m = error(base, "base: base.yaml\nprepare: {each: {experiment: warm.yaml, perSeed: true}, once: {experiment:"
                + " {name: w, pluginDirectories: ['${prepare.each.dir}']}}}\naxes: {seed: [1]}\n");
        assertTrue(m.startsWith("grid.yaml: prepare.once: runs once but names the per-seed stage 'each'"), m);
        m = error(base, "base: base.yaml\nprepare: {warm: {experiment: warm.yaml, perSeed: yes please}}\n"
                + "axes: {seed: [1]}\n");
        assertEquals("grid.yaml: prepare.warm.perSeed must be true or false, was \"yes please\"", m);
        for (String e : List.of(m)) {
            assertEquals(1, e.lines().count(), e);
        }
    }
}
