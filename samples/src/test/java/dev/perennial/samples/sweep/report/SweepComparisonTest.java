package dev.perennial.samples.sweep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's numbers on a synthetic sweep, the page's structure, and reading a sweep's folder back. */
class SweepComparisonTest {
    @TempDir
    Path dir;

    @Test
    void methodsAreSummarisedOverTheirFinishedSeeds() {
        SweepComparison c = SweepComparison.of("s", SweepReports.points(), null);
        assertEquals("finetune", c.baseline(), "the first method by default");
        assertEquals(List.of("finetune", "lwf", "ewc"), c.methods().stream().map(SweepComparison.Method::label)
                .toList());
        SweepComparison.Method ft = c.methods().get(0);
        // Last accuracy = mean of the last row: level − 0.2 · (2 + 1 + 0) / 3 = level − 0.2, levels 0.61, 0.62, 0.63.
        MeanInterval last = ft.values().get("lastAccuracy");
        assertEquals(3, last.n());
        assertEquals(0.42, last.mean(), 1e-12);
        assertEquals(0.01, last.std(), 1e-12);
        assertEquals(0.42 + MeanInterval.tQuantile(2) * 0.01 / Math.sqrt(3), last.high(), 1e-12);
        assertEquals(11 + 1, ft.values().get("seconds").mean(), 1e-12);
        assertEquals(32, ft.values().get("cpuSeconds").mean(), 1e-12);
        SweepComparison.Method ewc = c.methods().get(2);
        assertEquals(2, ewc.finished());
        assertEquals(3, ewc.points().size());
        assertEquals(0, ewc.values().get("cpuSeconds").n(), "reports without CPU time: not measured, not 0");
        // The mean matrix: entry (2, 0) is level − 0.4 averaged over the seeds.
        assertEquals(0.62 - 0.4, ft.meanMatrix()[2][0], 1e-12);
        assertTrue(Double.isNaN(ft.meanMatrix()[0][2]), "not evaluated stays blank");
        assertEquals(3, ft.curve().length);
        assertEquals(0.62, ft.curve()[0].mean(), 1e-12, "A_0 = the first task right after training it");
    }

    @Test
    void methodsArePairedWithTheBaselineBySeed() {
        SweepComparison c = SweepComparison.of("s", SweepReports.points(), null);
        SweepComparison.Comparison lwf = find(c, "lwf", "lastAccuracy");
        // lwf − finetune on last accuracy, per seed: (0.05 + 0.01 s) + (0.2 − 0.1) = 0.16, 0.17, 0.18.
        assertEquals(3, lwf.test().n());
        assertEquals(0.17, lwf.test().difference().mean(), 1e-12);
        assertEquals(PairedTest.of(new double[] {0.16, 0.17, 0.18}, new double[] {0, 0, 0}).tP(), lwf.test().tP(),
                1e-9);
        SweepComparison.Comparison ewc = find(c, "ewc", "lastAccuracy");
        assertEquals(2, ewc.test().n(), "seed 3 of ewc failed: two pairs");
        assertEquals(0.02, ewc.test().difference().mean(), 1e-12);
        assertTrue(Double.isNaN(ewc.test().tP()), "equal differences: no t-test");
        assertEquals(2 * 4, c.comparisons().size(), "two methods × four metrics");
        SweepComparison.Comparison lwfF = find(c, "lwf", "forgetting");
        // Forgetting of drop d per task of age: f_0 = 2d, f_1 = d, mean 1.5 d: 0.15 for lwf, 0.3 for finetune.
        assertEquals(-0.15, lwfF.test().difference().mean(), 1e-12, "lwf forgets 0.15 less");
    }

    @Test
    void aChosenBaselineMustBeAMethod() {
        SweepComparison c = SweepComparison.of("s", SweepReports.points(), "lwf");
        assertEquals("lwf", c.baseline());
        assertTrue(c.comparisons().stream().noneMatch(k -> k.method().equals("lwf")));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SweepComparison.of("s", SweepReports.points(), "lfw"));
        assertEquals("s: baseline 'lfw' is not a method of the sweep; its methods are: finetune, lwf, ewc",
                e.getMessage());
    }

    @Test
    void aMetricPluginsOtherMatrixIsComparedByItsLastRow() {
        List<PointRun> points = new java.util.ArrayList<>();
        for (String method : List.of("none", "mixup")) {
            for (int seed = 1; seed <= 2; seed++) {
                double w = (method.equals("none") ? 0.2 : 0.5) + 0.1 * seed;
                // The last row's mean: (w + NaN + 3w) / 2 = 2w (NaN: not evaluated, left out).
                double[][] worst = {{9, Double.NaN, 9}, {w, Double.NaN, 3 * w}};
                RunReport r = SweepReports.report(method + seed, null, 0.5, 0.1, 1, 1.0,
                        Map.of("worst-group-accuracy", worst));
                points.add(new PointRun(method + seed, method, seed, true, null, r));
            }
        }
        SweepComparison c = SweepComparison.of("aug", points, null);
        assertEquals("worst-group-accuracy (last row)", c.metrics().get(4).label());
        assertEquals(2 * 0.35, c.methods().get(0).values().get("other:worst-group-accuracy").mean(), 1e-12);
        assertEquals(2 * 0.3, find(c, "mixup", "other:worst-group-accuracy").test().difference().mean(), 1e-12);
        assertEquals(5, c.comparisons().size(), "four summary metrics and the other matrix");
    }

    @Test
    void theSweepFilesBaselineIsCheckedBeforeAnythingRuns() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), """
                name: tiny
                dataset: {name: generated-shapes, config: {classes: 4, trainPerClass: 12, testPerClass: 4, size: 16}}
                scenario: {name: class-incremental, config: {increment: 2}}
                learner: {name: finetune}
                """);
        Path file = Files.writeString(dir.resolve("pair.yaml"),
                "base: base.yaml\naxes: {learner: [finetune, ewc], seed: [1, 2]}\nbaseline: lfw\n");
        dev.perennial.samples.sweep.SweepFile sweep = dev.perennial.samples.sweep.SweepFile.read(file);
        assertEquals("lfw", sweep.baseline());
        List<dev.perennial.samples.sweep.SweepPoint> points = dev.perennial.samples.sweep.SweepGrid.expand(sweep);
        ConfigException e = assertThrows(ConfigException.class,
                () -> SweepComparison.checkBaseline(sweep, points, null));
        assertEquals("pair.yaml: baseline 'lfw' is not a method of the sweep; its methods are: finetune, ewc",
                e.getMessage());
        SweepComparison.checkBaseline(sweep, points, "ewc"); // the option overrides the file
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "base: base.yaml\naxes: {seed: [1]}\nbaseline: [a]\n");
        ConfigException b = assertThrows(ConfigException.class, () -> dev.perennial.samples.sweep.SweepFile.read(bad));
        assertEquals("bad.yaml: baseline must be a method's label, e.g. finetune, was [\"a\"]", b.getMessage());
    }

    @Test
    void otherAxesMakeTheirOwnMethods() {
        Map<String, String> a = Map.of("learner", "lwf", "seed", "1", "training.epochs", "2", "training.lr", "0.1");
        Map<String, String> b = Map.of("learner", "lwf", "seed", "2", "training.epochs", "1", "training.lr", "0.1");
        java.util.Set<String> varying = PointRun.varying(List.of(a, b));
        assertEquals(java.util.Set.of("seed", "training.epochs"), varying);
        // An axis with one value is an override of every point, not part of the label.
        assertEquals("lwf (training.epochs=2)", PointRun.method("lwf", a, varying));
        assertEquals("lwf", PointRun.method("lwf", Map.of("learner", "lwf", "seed", "1"), varying));
    }

    @Test
    void thePageHasOneRowCurveAndMatrixPerMethodAndTheNumbersInItsAttributes() {
        SweepComparison c = SweepComparison.of("s", SweepReports.points(), null);
        String html = SweepReportPage.render(c, dir);
        assertEquals(3, count(html, "<tr class=\"method-row\""));
        assertEquals(8, count(html, "<tr class=\"comparison-row\""));
        assertEquals(3, count(html, "<path class=\"method-curve\""));
        assertEquals(3, count(html, "<svg class=\"heatmap\""));
        assertEquals(3 * 9, count(html, "<rect class=\"cell"));
        assertEquals(3, count(html, "<rect class=\"time-bar\""));
        assertEquals(9, count(html, "<tr class=\"point-row"));
        assertEquals(1, count(html, "<tr class=\"point-row failed\""));
        for (String banned : new String[] {"http:", "https:", "<script", "src=", "@import", "<link"}) {
            assertFalse(html.contains(banned), "self-contained: no " + banned);
        }
        Matcher m = Pattern.compile("<tr class=\"comparison-row\" data-metric=\"lastAccuracy\" data-method=\"lwf\""
                + " data-pairs=\"3\" data-mean=\"([^\"]*)\" data-low=\"[^\"]*\" data-high=\"[^\"]*\""
                + " data-t-p=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "the lwf row of last accuracy");
        assertEquals(0.17, Double.parseDouble(m.group(1)), 1e-12);
        assertEquals(find(c, "lwf", "lastAccuracy").test().tP(), Double.parseDouble(m.group(2)), 0);
        assertTrue(html.contains("†"), "two pairs: the signed-rank test cannot reach 0.05, marked");
    }

    @Test
    void aSweepFolderReadsBackWithMovedRunFolders() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("sweep", "pair");
        root.put("file", dir.resolve("gone.yaml").toString());
        ArrayNode rows = root.putArray("points");
        int k = 0;
        for (String learner : List.of("finetune", "lwf")) {
            for (int seed = 1; seed <= 2; seed++) {
                String point = "pair-" + learner + "-s" + seed;
                Path run = dir.resolve(point).resolve(point + "-20260101");
                Files.createDirectories(run);
                RunReport r = SweepReports.report(point, run, 0.5 + 0.1 * k++, 0.1, 5, 9.0);
                json.writeValue(run.resolve("report.json").toFile(), r);
                ObjectNode row = rows.addObject();
                row.put("point", point);
                row.put("learner", learner);
                row.put("seed", seed);
                row.putObject("axes").put("learner", learner).put("seed", String.valueOf(seed));
                row.put("status", "ran");
                // As recorded by a sweep run from another working folder: a relative path that no longer resolves.
                row.put("runDirectory", "elsewhere/" + point + "/" + run.getFileName());
            }
        }
        json.writeValue(dir.resolve("sweep.json").toFile(), root);
        SweepComparison c = SweepComparison.read(dir, "lwf");
        assertEquals("lwf", c.baseline());
        assertEquals(4, c.points().stream().filter(PointRun::finished).count());
        assertEquals(-0.2, find(c, "finetune", "averageIncrementalAccuracy").test().difference().mean(), 1e-12);
        Path page = SweepReportPage.write(c, dir);
        assertTrue(Files.readString(page).contains("href=\"pair-lwf-s1/pair-lwf-s1-20260101/report.html\""));
        assertTrue(Files.isRegularFile(dir.resolve(SweepComparison.JSON_FILE)));
        ConfigException e = assertThrows(ConfigException.class, () -> SweepComparison.read(dir.resolve("pair-lwf-s1"),
                null));
        assertTrue(e.getMessage().endsWith("has no sweep.json; give the folder `perennial sweep` wrote"),
                e.getMessage());
    }

    private static SweepComparison.Comparison find(SweepComparison c, String method, String metric) {
        return c.comparisons().stream().filter(k -> k.method().equals(method) && k.metric().equals(metric))
                .findFirst().orElseThrow();
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
