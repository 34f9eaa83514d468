package dev.perennial.api.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.api.RunReport;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders a report in headless Chromium (Debian's {@code chromium}) with every network path closed, and checks
 * what a person would see: the heatmap cells and curves exist in the browser's DOM, and the screenshot is not
 * blank. Skipped, with the install line, where Chromium is not installed. The screenshot is kept as
 * {@code target/html-report-screenshot.png} for a look.
 */
class HtmlReportBrowserTest {
    private static final int TASKS = 5;
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 2600;

    @TempDir
    static Path work;
    private static Path page;
    private static Optional<Path> chromium;

    @BeforeAll
    static void writePage() throws IOException {
        chromium = findChromium();
        RunReport report = ReportFixtures.report(TASKS, 120, true);
        page = HtmlReport.write(report, ReportFixtures.experiment(), work.resolve(HtmlReport.FILE_NAME));
    }

    @Test
    void theBrowsersDomHasEveryCellAndCurve() throws Exception {
        assumeTrue(chromium.isPresent(), "chromium is not installed; install it with: apt-get install -y chromium");
        String dom = run("dom", List.of("--dump-dom", page.toUri().toString()));
        assertTrue(dom.contains("<svg class=\"heatmap\""), "the browser parsed the heatmap:\n" + head(dom));
        assertEquals(TASKS * TASKS, HtmlReportTest.count(dom, "<rect class=\"cell"), "heatmap cells");
        // With before-training scores, only the entries above the first upper diagonal are missing.
        assertEquals((TASKS - 1) * (TASKS - 2) / 2, HtmlReportTest.count(dom, "<rect class=\"cell na\""));
        assertEquals(TASKS, HtmlReportTest.count(dom, "<path class=\"task-curve\""), "accuracy curves");
        assertEquals(TASKS, HtmlReportTest.count(dom, "<path class=\"loss-curve\""), "loss curves");
        assertEquals(TASKS - 1, HtmlReportTest.count(dom, "<rect class=\"forgetting-bar\""), "forgetting bars");
        assertFalse(dom.contains("http:") || dom.contains("https:"), "nothing refers to the network");
    }

    @Test
    void theScreenshotShowsColoredChartsOnTheWholePage() throws Exception {
        assumeTrue(chromium.isPresent(), "chromium is not installed; install it with: apt-get install -y chromium");
        Path shot = work.resolve("shot.png");
        run("screenshot", List.of("--screenshot=" + shot, "--window-size=" + WIDTH + "," + HEIGHT,
                "--hide-scrollbars", page.toUri().toString()));
        assertTrue(Files.isRegularFile(shot), "chromium wrote no screenshot");
        Path keep = Path.of("target", "html-report-screenshot.png");
        if (Files.isDirectory(keep.getParent())) {
            Files.copy(shot, keep, StandardCopyOption.REPLACE_EXISTING);
        }
        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        // "Colored": clearly saturated pixels, which only the heatmap, curves, bars and legends draw (the page
        // itself is white, grey and black). Counted per band of the page, so every chart must show up.
        int bands = 4;
        long[] colored = new long[bands];
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    colored[Math.min(bands - 1, y * bands / image.getHeight())]++;
                    colors.add(rgb);
                }
            }
        }
        long pixelsPerBand = (long) image.getWidth() * image.getHeight() / bands;
        for (int k = 0; k < bands - 1; k++) {
            assertTrue(colored[k] > pixelsPerBand / 200, "band " + k + " of the screenshot has only " + colored[k]
                    + " colored pixels: a chart is missing or blank");
        }
        assertTrue(colors.size() > 30, "only " + colors.size() + " distinct colors: the heatmap is not shaded");
    }

    /** Runs Chromium headless, offline, with a fresh profile; returns its standard output. */
    private static String run(String name, List<String> mode) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "profile-");
        List<String> command = new ArrayList<>(List.of(chromium.orElseThrow().toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-default-browser-check",
                // No name resolves and no proxy is tried: the page cannot reach anything even if it asked.
                "--host-resolver-rules=MAP * ~NOTFOUND", "--no-proxy-server",
                "--user-data-dir=" + profile));
        command.addAll(mode);
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // A bound on a hung browser, not a performance threshold: a healthy run takes seconds.
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 180 s: " + command);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + ": " + command + "\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return stdout;
    }

    private static Optional<Path> findChromium() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser"}) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String head(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
}
