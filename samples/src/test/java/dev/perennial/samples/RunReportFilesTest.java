package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perennial run} on a tiny experiment writes {@code report.html} beside {@code report.json}, with one heatmap
 * cell per matrix entry and the run's plugins and configuration, and prints the report's path at the end.
 */
class RunReportFilesTest {

    @Test
    void runWritesTheHtmlReportAndPrintsItsPath(@TempDir Path dir) throws IOException {
        Path experiment = dir.resolve("tiny.yaml");
        Files.writeString(experiment, """
                name: tiny-report
                seed: 3
                dataset: {name: generated-shapes, config: {classes: 4, trainPerClass: 24, testPerClass: 8, size: 16}}
                scenario: {name: class-incremental, config: {increment: 2}}
                learner: {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}
                training: {epochs: 1, batchSize: 16, dataWorkers: 1}
                """);
        PluginCheckTest.Result r = PluginCheckTest.cli("run", experiment.toString(), "--run-dir",
                dir.resolve("runs").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        Matcher m = Pattern.compile("(?m)^report: (.*report\\.html)$").matcher(r.out());
        assertTrue(m.find(), "the CLI names the report:\n" + r.out());
        Path html = Path.of(m.group(1));
        assertTrue(Files.isRegularFile(html), html + " was not written");
        assertTrue(Files.isRegularFile(html.resolveSibling("report.json")));
        String page = Files.readString(html);
        assertEquals(4, HtmlCount.of(page, "<rect class=\"cell"), "2 tasks: a 2 x 2 heatmap");
        assertEquals(2, HtmlCount.of(page, "<path class=\"loss-curve\""), "one loss curve per task");
        assertTrue(page.contains("<code>finetune</code>"), "the plugins table names the learner");
        assertTrue(page.contains("&quot;trainPerClass&quot; : 24"), "the experiment configuration is shown");
    }

    /** Counts occurrences of a fragment. */
    static final class HtmlCount {
        private HtmlCount() {}

        static int of(String text, String needle) {
            int n = 0;
            for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
                n++;
            }
            return n;
        }
    }
}
