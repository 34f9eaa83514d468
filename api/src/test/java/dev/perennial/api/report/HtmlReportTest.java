package dev.perennial.api.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.RunReport;
import dev.perennial.api.metrics.AccuracyMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    static int count(String html, String needle) {
        int n = 0;
        for (int i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    @Test
    void drawsOneCellPerMatrixEntryOneCurvePerTaskAndOneForgettingBarPerOldTask() {
        RunReport r = ReportFixtures.report(4, 30, false);
        String html = HtmlReport.render(r, Optional.of(ReportFixtures.experiment()));
        assertEquals(16, count(html, "<rect class=\"cell"), "4 x 4 heatmap cells");
        assertEquals(6, count(html, "<rect class=\"cell na\""), "the upper triangle was not evaluated");
        assertEquals(4, count(html, "<path class=\"task-curve\""));
        assertEquals(4, count(html, "<path class=\"loss-curve\""));
        assertEquals(3, count(html, "<rect class=\"forgetting-bar\""));
        // train, evaluate, checkpoint, and "other" (1.0 s of 12.5 s not in a phase).
        assertEquals(4, count(html, "<rect class=\"timing-bar\""));
        // CPU seconds are listed, not drawn as a phase of the wall-clock total.
        assertEquals(0, count(html, "<title>cpu: "), "cpu is not a phase");
        assertTrue(html.contains("<tr><th>cpu</th><td>23.0 s</td></tr>"), "cpu row in the timings table");
    }

    @Test
    void forgettingPerTaskAveragesToTheSummarysForgetting() {
        RunReport r = ReportFixtures.report(5, 3, true);
        double[] f = HtmlReport.forgettingPerTask(r.accuracyMatrix());
        assertEquals(4, f.length);
        assertEquals(r.summary().forgetting(), Arrays.stream(f).average().orElseThrow(), 1e-12);
        // Task j fell 0.12 per later task from its score right after training: f_j = 0.12 * (T-1-j).
        assertArrayEquals(new double[] {0.48, 0.36, 0.24, 0.12}, f, 1e-12);

        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            int t = 2 + random.nextInt(6);
            double[][] m = new double[t][t];
            for (double[] row : m) {
                Arrays.fill(row, Double.NaN);
            }
            for (int i = 0; i < t; i++) {
                for (int j = 0; j <= i; j++) {
                    m[i][j] = random.nextDouble();
                }
            }
            double expected = AccuracyMatrix.fromRows(t, m, new double[0]).summary().forgetting();
            assertEquals(expected, Arrays.stream(HtmlReport.forgettingPerTask(m)).average().orElseThrow(), 1e-12);
        }
    }

    @Test
    void needsNothingFromTheNetworkAndRunsNoScript() {
        String html = HtmlReport.render(ReportFixtures.report(3, 10, true), Optional.of(ReportFixtures.experiment()));
        for (String banned : new String[] {"http:", "https:", "<script", "src=", "@import", "<link", "@font-face"}) {
            assertFalse(html.contains(banned), "the report must be self-contained but contains " + banned);
        }
        assertEquals(1, count(html, "url("), "only the heatmap's own gradient is referenced");
        assertTrue(html.contains("url(#heat-scale)"));
        assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    }

    @Test
    void escapesEveryTextItShows() {
        String html = HtmlReport.render(ReportFixtures.report(2, 5, false), Optional.empty());
        assertFalse(html.contains("<run>"), "the experiment name must be escaped");
        assertTrue(html.contains("fixture &lt;run&gt; &amp; co"));
        assertTrue(html.contains("Not available for this report."), "no configuration was given");
    }

    @Test
    void showsConfigPluginsEnvironmentAndTimings() {
        String html = HtmlReport.render(ReportFixtures.report(2, 5, false), Optional.of(ReportFixtures.experiment()));
        assertTrue(html.contains("&quot;learningRate&quot; : 0.1"), "the experiment configuration with its values");
        assertTrue(html.contains("<code>finetune</code></td><td>1.0.0</td>"), "plugins with versions");
        assertTrue(html.contains("<th>djl</th><td>0.36.0</td>"));
        assertTrue(html.contains("<th>java</th><td>17.0.15</td>"));
        assertTrue(html.contains("<th>device</th><td>cpu()</td>"));
        assertTrue(html.contains("<th>train</th><td>9.0 s</td>"));
        assertTrue(html.contains("top5-accuracy matrix"), "other metrics get their own table");
    }

    @Test
    void listsEachTasksLossTermsWhenTheReportHasThem() {
        RunReport plain = ReportFixtures.report(2, 5, false);
        assertFalse(HtmlReport.render(plain, Optional.empty()).contains("Loss terms per task"));
        RunReport r = new RunReport(plain.experiment(), plain.runDirectory(), plain.device(), plain.plugins(),
                plain.tasks(), plain.metric(), plain.accuracyMatrix(), plain.beforeTraining(), plain.summary(),
                plain.otherMetrics(), plain.lossCurves(), plain.nanSkips(), plain.timings(), plain.pluginValues(),
                plain.environment(), plain.nanSkipsPerTask(), List.of(dev.perennial.api.TaskLossTerms.of(1,
                        Map.of("<ce>", List.of(4.0, 3.0, 2.0)))));
        String html = HtmlReport.render(r, Optional.empty());
        assertTrue(html.contains("Loss terms per task"), html);
        assertTrue(html.contains("<td><code>&lt;ce&gt;</code></td><td>3.000</td><td>4.000</td><td>2.000</td><td>3</td>"),
                "mean, first and last tenth, logged steps, escaped");
    }

    @Test
    void longLossCurvesAreDrawnAsBucketMeans() {
        String html = HtmlReport.render(ReportFixtures.report(2, 5000, false), Optional.empty());
        Matcher m = Pattern.compile("<path class=\"loss-curve\" d=\"([^\"]*)\"").matcher(html);
        int paths = 0;
        while (m.find()) {
            paths++;
            int points = count(m.group(1), "L") + count(m.group(1), "M");
            assertEquals(400, points, "5000 steps in 400 buckets");
        }
        assertEquals(2, paths);
        assertTrue(html.contains("means of 400 equal groups"));
    }

    @Test
    void aOneTaskRunHasNoForgettingYet() {
        String html = HtmlReport.render(ReportFixtures.report(1, 5, false), Optional.empty());
        assertEquals(1, count(html, "<rect class=\"cell"));
        assertEquals(0, count(html, "forgetting-bar"));
        assertTrue(html.contains("Forgetting needs at least two trained tasks."));
    }

    @Test
    void writesTheFile(@TempDir Path dir) throws IOException {
        Path file = HtmlReport.write(ReportFixtures.report(2, 5, false), ReportFixtures.experiment(),
                dir.resolve(HtmlReport.FILE_NAME));
        assertTrue(Files.readString(file).startsWith("<!DOCTYPE html>"));
    }
}
