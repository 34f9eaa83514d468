package dev.perennial.samples.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep files: grid expansion and naming, one-line errors, and resuming (a finished point is skipped). */
class SweepGridTest {
    static final String BASE = """
            name: tiny
            seed: 5
            dataset: {name: generated-shapes, config: {classes: 4, trainPerClass: 12, testPerClass: 4, size: 16}}
            scenario: {name: class-incremental, config: {increment: 2}}
            learner: {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}
            training: {epochs: 1, batchSize: 16, dataWorkers: 1}
            """;

    @TempDir
    Path dir;

    private SweepFile sweep(String text) throws IOException {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        return SweepFile.read(Files.writeString(dir.resolve("grid.yaml"), text));
    }

    private String error(String text) {
        return assertThrows(ConfigException.class, () -> SweepGrid.expand(sweep(text))).getMessage();
    }

    @Test
    void theGridIsExpandedInFileOrderAndNamed() throws IOException {
        SweepFile s = sweep("""
                base: base.yaml
                axes:
                  learner: [finetune, {name: lwf, config: {lambda: 2}}]
                  seed: [1, 2]
                  training.epochs: [1, 3]
                parallel: 2
                """);
        assertEquals(2, s.parallel());
        List<SweepPoint> points = SweepGrid.expand(s);
        assertEquals(List.of("grid-finetune-s1-0", "grid-finetune-s1-1", "grid-finetune-s2-0", "grid-finetune-s2-1",
                "grid-lwf-s1-0", "grid-lwf-s1-1", "grid-lwf-s2-0", "grid-lwf-s2-1"),
                points.stream().map(SweepPoint::name).toList());
        SweepPoint p = points.get(5);
        assertEquals("lwf", p.learner());
        assertEquals(1, p.seed());
        assertEquals(3, p.config().training().epochs());
        assertEquals("lwf", p.config().learner().name());
        assertEquals(2, p.config().learner().config().get("lambda").asInt());
        assertEquals("grid-lwf-s1-1", p.config().name());
        assertTrue(p.config().pairedSeeds(), "a sweep pairs seeds by default");
        assertEquals("grid-lwf-1", p.group());
        assertEquals(List.of("learner={\"name\":\"lwf\",\"config\":{\"lambda\":2}}", "seed=1", "training.epochs=3",
                "name=grid-lwf-s1-1", "seeds=paired"), p.overrides());
        assertEquals("3", p.axisValues().get("training.epochs"));
    }

    @Test
    void withoutAxesForThemLearnerAndSeedComeFromTheBaseAndOneNameTwiceIsNumbered() throws IOException {
        List<SweepPoint> points = SweepGrid.expand(sweep("""
                name: s
                base: base.yaml
                axes: {training.epochs: [1, 2]}
                seeds: per-plugin
                """));
        assertEquals(List.of("s-finetune-s5-0", "s-finetune-s5-1"), points.stream().map(SweepPoint::name).toList());
        assertTrue(!points.get(0).config().pairedSeeds());
        List<SweepPoint> twice = SweepGrid.expand(sweep("""
                base: base.yaml
                axes: {learner: [{name: lwf, config: {lambda: 1}}, {name: lwf, config: {lambda: 4}}], seed: [3]}
                """));
        assertEquals(List.of("grid-lwf-1-s3", "grid-lwf-2-s3"), twice.stream().map(SweepPoint::name).toList());
    }

    @Test
    void aSeedMayBringSettingsThatGoWithIt() throws IOException {
        // Class orders as replicates: each run seed comes with its order, so methods pair and average by seed.
        List<SweepPoint> points = SweepGrid.expand(sweep("""
                base: base.yaml
                axes:
                  learner: [finetune, lwf]
                  seed:
                    - {value: 1, set: {scenario.config: {increment: 2, classOrder: [3, 2, 1, 0]}}}
                    - {value: 2, set: {scenario.config.classOrderSeed: 7}}
                    - 3
                """));
        assertEquals(List.of("grid-finetune-s1", "grid-finetune-s2", "grid-finetune-s3", "grid-lwf-s1", "grid-lwf-s2",
                "grid-lwf-s3"), points.stream().map(SweepPoint::name).toList());
        SweepPoint p = points.get(3);
        assertEquals(1, p.seed());
        assertEquals("1", p.axisValues().get("seed"));
        assertEquals("[3,2,1,0]", p.config().scenario().config().get("classOrder").toString());
        assertEquals(7, points.get(4).config().scenario().config().get("classOrderSeed").asInt());
        assertEquals(2, points.get(4).config().scenario().config().get("increment").asInt());
        assertTrue(!points.get(5).config().scenario().config().has("classOrderSeed"));

        String m = error("base: base.yaml\naxes: {seed: [{value: 1, sett: {}}]}\n");
        assertEquals("grid.yaml: axes.seed: unknown field 'sett' in {\"value\":1,\"sett\":{}}; a seed is N or"
                + " {value: N, set: {PATH: VALUE}}", m);
        m = error("base: base.yaml\naxes: {seed: [{value: 1, set: {training.epochs: 2}}], training.epochs: [1]}\n");
        assertEquals("grid.yaml: axes.seed: set changes training.epochs, which is an axis", m);
        m = error("base: base.yaml\naxes: {seed: [1, {value: 1, set: {training.epochs: 2}}]}\n");
        assertEquals("grid.yaml: axes.seed gives the run seed 1 twice", m);
        m = error("base: base.yaml\naxes: {seed: [{set: {training.epochs: 2}}]}\n");
        assertEquals("grid.yaml: axes.seed: {\"set\":{\"training.epochs\":2}} needs value: a whole number", m);
    }

    @Test
    void labelsNameAnAxissValuesInTheMethodsLabel() throws IOException {
        SweepFile s = sweep("""
                base: base.yaml
                axes:
                  augmenters: [[], [{name: mixup}]]
                  seed: [1, 2]
                labels: {augmenters: [none, mixup]}
                baseline: finetune (augmenters=none)
                """);
        List<SweepPoint> points = SweepGrid.expand(s);
        assertEquals("mixup", points.get(2).axisValues().get("augmenters"));
        assertEquals("mixup", points.get(2).config().augmenters().get(0).name());
        java.util.Set<String> varying = dev.perennial.samples.sweep.report.PointRun.varying(points.stream()
                .map(SweepPoint::axisValues).toList());
        assertEquals("finetune (augmenters=mixup)", dev.perennial.samples.sweep.report.PointRun.method("finetune",
                points.get(2).axisValues(), varying));
        dev.perennial.samples.sweep.report.SweepComparison.checkBaseline(s, points, null);

        String m = error("base: base.yaml\naxes: {augmenters: [[], [{name: mixup}]]}\nlabels: {augmenters: [none]}\n");
        assertEquals("grid.yaml: labels.augmenters must be a list of 2 names, one per value of axes.augmenters", m);
        m = error("base: base.yaml\naxes: {augmenters: [[], [{name: mixup}]]}\nlabels: {augmentrs: [a, b]}\n");
        assertEquals("grid.yaml: labels.augmentrs names no axis; axes: augmenters", m);
        m = error("base: base.yaml\naxes: {augmenters: [[], [{name: mixup}]]}\nlabels: {augmenters: [a, a]}\n");
        assertEquals("grid.yaml: labels.augmenters: \"a\" is not a distinct name of 1-40 characters without ',',"
                + " '(', ')' or '='", m);
        m = error("base: base.yaml\naxes: {seed: [1]}\nlabels: {seed: [one]}\n");
        assertTrue(m.startsWith("grid.yaml: labels.seed: the seed axis labels itself"), m);
    }

    /** Two values of one learner (a method and its ablation) get their own labels in methods and point names. */
    @Test
    void learnerLabelsNameTwoValuesOfOneLearner() throws IOException {
        SweepFile s = sweep("""
                base: base.yaml
                axes:
                  learner: [finetune, {name: ewc, config: {lambda: 10}}, {name: ewc, config: {lambda: 0.5}}]
                  seed: [1]
                labels: {learner: [finetune, ewc, ewc-weak]}
                baseline: ewc
                """);
        List<SweepPoint> points = SweepGrid.expand(s);
        assertEquals(List.of("grid-finetune-s1", "grid-ewc-s1", "grid-ewc-weak-s1"),
                points.stream().map(SweepPoint::name).toList());
        assertEquals(List.of("finetune", "ewc", "ewc-weak"), points.stream().map(SweepPoint::learner).toList());
        assertEquals("ewc", points.get(2).config().learner().name());
        assertEquals(0.5, points.get(2).config().learner().config().get("lambda").asDouble(), 0.0);
        dev.perennial.samples.sweep.report.SweepComparison.checkBaseline(s, points, "ewc-weak");

        String m = error("base: base.yaml\naxes: {learner: [finetune, ewc]}\nlabels: {learner: [finetune, EWC]}\n");
        assertEquals("grid.yaml: labels.learner: \"EWC\" is not a name of 1-40 lower-case letters, digits, '.', '_' or"
                + " '-' (it names the learner's point folders)", m);
    }

    @Test
    void anInlineBaseWorksLikeAFile() throws IOException {
        String inline = "base:\n" + BASE.indent(2) + "axes: {seed: [7, 8]}\n";
        List<SweepPoint> points = SweepGrid.expand(sweep(inline));
        assertEquals(List.of("grid-finetune-s7", "grid-finetune-s8"), points.stream().map(SweepPoint::name).toList());
        assertEquals(8, points.get(1).config().seed());
    }

    @Test
    void badSweepFilesGiveOneLineErrors() {
        String m = error("base: base.yaml\naxes: {training.epochz: [1, 2]}\n");
        assertTrue(m.startsWith("grid.yaml: point ") && m.contains("training.epochz") && !m.contains("\n"), m);
        m = error("base: base.yaml\naxes: {training.epochs: [0]}\n");
        assertTrue(m.startsWith("grid.yaml: point ") && m.contains("training.epochs=0"), m);
        m = error("base: base.yaml\naxes: {seed: []}\n");
        assertEquals("grid.yaml: axes.seed is empty; give at least one value", m);
        m = error("base: base.yaml\naxes: {seed: 3}\n");
        assertEquals("grid.yaml: axes.seed must be a list of values, e.g. [1, 2]", m);
        m = error("base: base.yaml\naxes: {seed: [one]}\n");
        assertEquals("grid.yaml: axes.seed: \"one\" is neither a whole number nor {value: N, set: {PATH: VALUE}}",
                m);
        m = error("base: base.yaml\naxes: {seed: [1]}\nparallel: 0\n");
        assertEquals("grid.yaml: parallel must be a whole number of runs at a time, 1-256, was 0", m);
        m = error("base: base.yaml\naxes: {seed: [1]}\nparalel: 2\n");
        assertTrue(m.startsWith("grid.yaml: unknown field 'paralel'; accepted fields: name, base"), m);
        m = error("base: missing.yaml\naxes: {seed: [1]}\n");
        assertTrue(m.startsWith("grid.yaml: base: no experiment file "), m);
        m = error("base: base.yaml\naxes: {\"training..epochs\": [1]}\n");
        assertTrue(m.startsWith("grid.yaml: axes.training..epochs: "), m);
        m = error("base: base.yaml\naxes: {learner: [3]}\n");
        assertTrue(m.startsWith("grid.yaml: axes.learner: 3 is neither a learner name"), m);
        m = error("base: base.yaml\naxes: {seed: [1, 1]}\n");
        assertEquals("grid.yaml: axes.seed gives 1 twice", m);
    }

    @Test
    void aFinishedPointIsSkippedAndAFailedOneReported() throws Exception {
        List<SweepPoint> points = SweepGrid.expand(sweep("base: base.yaml\naxes: {seed: [1, 2, 3]}\n"));
        Path out = dir.resolve("out");
        String report = "{\"experiment\":\"x\",\"summary\":null,\"timings\":{\"total\":1.5}}";
        // point 1 finished earlier
        Path earlier = Files.createDirectories(out.resolve(points.get(0).name()).resolve("run-a"));
        Files.writeString(earlier.resolve("report.json"), report);
        // point 2 was interrupted: a run folder without a report
        Files.createDirectories(out.resolve(points.get(1).name()).resolve("run-a"));
        AtomicInteger launched = new AtomicInteger();
        List<String> lines = new ArrayList<>();
        List<SweepRunner.Outcome> outcomes = SweepRunner.run(points, out, 2, (p, d) -> {
            launched.incrementAndGet();
            if (p.seed() == 3) {
                return List.of("sh", "-c", "echo broken; exit 3");
            }
            return List.of("sh", "-c", "mkdir -p '" + d + "/run-b' && printf '%s' '" + report + "' > '" + d
                    + "/run-b/report.json'");
        }, line -> {
            synchronized (lines) {
                lines.add(line);
            }
        });
        assertEquals(2, launched.get(), "the finished point is not run again");
        assertEquals(SweepRunner.Status.SKIPPED, outcomes.get(0).status());
        assertEquals(earlier, outcomes.get(0).runDirectory());
        assertEquals(SweepRunner.Status.RAN, outcomes.get(1).status());
        assertEquals(SweepRunner.Status.FAILED, outcomes.get(2).status());
        assertTrue(outcomes.get(2).message().startsWith("exit code 3; see "), outcomes.get(2).message());
        assertEquals("broken\n", Files.readString(out.resolve(points.get(2).name()).resolve("log.txt")));
        SweepResults.write(SweepFile.read(dir.resolve("grid.yaml")), outcomes, out);
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals("point,learner,seed,averageIncrementalAccuracy,lastAccuracy,forgetting,backwardTransfer,"
                + "seconds,status,runDirectory", csv.get(0));
        assertTrue(csv.get(1).startsWith("grid-finetune-s1,finetune,1,,,,,1.5,skipped,"), csv.get(1));
        assertTrue(csv.get(3).startsWith("grid-finetune-s3,finetune,3,,,,,,failed,"), csv.get(3));
        // again: now two are finished, only the failed one runs
        launched.set(0);
        SweepRunner.run(points, out, 1, (p, d) -> {
            launched.incrementAndGet();
            return List.of("true");
        }, line -> { });
        assertEquals(1, launched.get());
    }

    @Test
    void theChildCommandIsThisJavaWithItsModulePathAndTheCli() {
        List<String> c = JavaCommand.current();
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), c.get(0));
        assertEquals(List.of("-m", "dev.perennial.samples/dev.perennial.samples.PerennialCli"),
                c.subList(c.size() - 2, c.size()));
        assertEquals(System.getProperty("jdk.module.path"), c.get(c.indexOf("--module-path") + 1));
        assertTrue(c.contains("-Dai.djl.offline=true"), c.toString());
    }

    @Test
    void meanAndSampleStandardDeviation() {
        assertEquals("0.5000 ± 0.7071", SweepResults.meanStd(new double[] {0, 1}));
        assertEquals("0.2500", SweepResults.meanStd(new double[] {0.25}));
        assertEquals("-", SweepResults.meanStd(new double[0]));
    }
}
