package dev.perennial.samples;

import ai.djl.engine.Engine;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code perennial --version}: the project, SPI, DJL and libtorch versions, and the device the engine finds.
 * The versions the build used come from {@code version.properties} (filtered by Maven); the engine's own
 * version and device are asked of the engine, which loads libtorch.
 */
final class VersionInfo implements CommandLine.IVersionProvider {
    private static final String FILE = "version.properties";

    @Override
    public String[] getVersion() {
        Properties built = built();
        List<String> lines = new ArrayList<>();
        lines.add("perennial " + built.getProperty("project", "unknown"));
        lines.add("SPI " + SpiVersion.CURRENT);
        lines.add("DJL " + built.getProperty("djl", "unknown") + " (built against)");
        lines.add("libtorch " + built.getProperty("pytorch", "unknown") + " (built against, "
                + built.getProperty("native", "unknown") + ")");
        try {
            Logging.loadEngineQuietly();
            Engine engine = Engine.getEngine("PyTorch");
            lines.add("engine " + engine.getEngineName() + " " + engine.getVersion() + " (loaded)");
            int gpus = engine.getGpuCount();
            ai.djl.Device device = engine.defaultDevice();
            lines.add("device " + (device.isGpu() ? "gpu " + device.getDeviceId() : device.getDeviceType()) + (gpus > 0 ? " (" + gpus + " GPU" + (gpus == 1 ? "" : "s")
                    + " visible)" : " (no GPU visible)"));
        } catch (RuntimeException | LinkageError e) {
            lines.add("engine not loaded: " + e.getMessage());
        }
        lines.add("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return lines.toArray(String[]::new);
    }

    /**
     * The project version the jar was built as.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT}
     */
    static String project() {
        return built().getProperty("project", "unknown");
    }

    private static Properties built() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream(FILE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the versions then read "unknown"; --version still reports the engine
        }
        return p;
    }
}
