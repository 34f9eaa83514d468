package dev.perennial.samples.sweep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders {@code sweep-report.html} in headless Chromium (Debian's {@code chromium}) with every network path closed,
 * as the run report's browser test does: the browser's DOM has every method's row, curve and matrix, and the
 * screenshot shows colored charts. Skipped, with the install line, where Chromium is not installed.
 */
class SweepReportBrowserTest {
    @TempDir
    Path work;

    @Test
    void theBrowsersDomHasEveryMethodAndTheScreenshotIsNotBlank() throws Exception {
        Optional<Path> chromium = findChromium();
        assumeTrue(chromium.isPresent(), "chromium is not installed; install it with: apt-get install -y chromium");
        Path page = SweepReportPage.write(SweepComparison.of("s", SweepReports.points(), null), work);
        String dom = run(chromium.get(), "dom", List.of("--dump-dom", page.toUri().toString()));
        assertEquals(3, SweepComparisonTest.count(dom, "<tr class=\"method-row\""), "method rows:\n" + head(dom));
        assertEquals(8, SweepComparisonTest.count(dom, "<tr class=\"comparison-row\""));
        assertEquals(3, SweepComparisonTest.count(dom, "<path class=\"method-curve\""));
        assertEquals(27, SweepComparisonTest.count(dom, "<rect class=\"cell"));
        assertFalse(dom.contains("http:") || dom.contains("https:"), "nothing refers to the network");

        Path shot = work.resolve("shot.png");
        run(chromium.get(), "screenshot", List.of("--screenshot=" + shot, "--window-size=1300,2400",
                "--hide-scrollbars", page.toUri().toString()));
        // The tests run inside the samples module, which does not read java.desktop (api does, for its images).
        Module self = SweepReportBrowserTest.class.getModule();
        ModuleLayer.boot().findModule("java.desktop").ifPresent(self::addReads);
        BufferedImage image = ImageIO.read(shot.toFile());
        long colored = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    colored++;
                }
            }
        }
        // Three 3 x 3 heatmaps alone cover far more than this; a page whose charts did not render has none.
        assertTrue(colored > 20_000, "only " + colored + " colored pixels: the charts are missing or blank");
    }

    /** Runs Chromium headless, offline, with a fresh profile; returns its standard output. */
    private String run(Path chromium, String name, List<String> mode) throws Exception {
        Path profile = Files.createTempDirectory(work, "profile-");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-default-browser-check",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--no-proxy-server", "--user-data-dir=" + profile));
        command.addAll(mode);
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // A bound on a hung browser, not a performance threshold.
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 180 s: " + command);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(err,
                    StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
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
