package dev.perennial.samples;

import ai.djl.engine.Engine;
import dev.perennial.api.engine.LibtorchCheck;
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
            LibtorchCheck.Finding found = LibtorchCheck.verify();
            lines.add(found.describe());
            lines.add("native downloads " + (ai.djl.util.Utils.isOfflineMode() ? "off (offline; --allow-native-download"
                    + " lets DJL fetch the libtorch for this machine)" : "allowed"));
            Logging.loadEngineQuietly();
            Engine engine = Engine.getEngine("PyTorch");
            lines.add("engine " + engine.getEngineName() + " " + engine.getVersion() + " (loaded), flavour "
                    + flavour() + Logging.loadedLibrary("libtorch_cpu.so").map(p -> ", from " + p.getParent())
                    .orElse(""));
            lines.add("devices " + devices(engine));
        } catch (RuntimeException | LinkageError e) {
            lines.add("engine not loaded: " + e.getMessage());
        }
        lines.add("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return lines.toArray(String[]::new);
    }

    /** cuda when libtorch's CUDA library is loaded in this process, else cpu (Linux: from /proc/self/maps). */
    private static String flavour() {
        if (Logging.loadedLibrary("libtorch_cuda.so").isPresent()) {
            return "cuda";
        }
        return Logging.loadedLibrary("libtorch_cpu.so").isPresent() ? "cpu" : "unknown";
    }

    /** The devices the engine finds, e.g. {@code cpu, gpu(0), gpu(1); default gpu(0)}; the default first. */
    private static String devices(Engine engine) {
        StringBuilder b = new StringBuilder("cpu");
        int gpus = engine.getGpuCount();
        for (int i = 0; i < gpus; i++) {
            b.append(", gpu(").append(i).append(')');
        }
        b.append(gpus == 0 ? " (no GPU visible)" : "").append("; default ").append(engine.defaultDevice());
        return b.toString();
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
