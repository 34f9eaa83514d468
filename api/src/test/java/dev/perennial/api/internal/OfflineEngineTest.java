package dev.perennial.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Offline is the default: the tests run with DJL's offline switch on, and libtorch 2.7.1 comes from the CPU native
 * jar on the class path (extracted into the DJL cache), never from a download.
 */
class OfflineEngineTest {

    @Test
    void djlRunsOfflineWithTheBundledLibtorch() throws Exception {
        assertTrue(Utils.isOfflineMode(), "tests must run with ai.djl.offline=true (see the parent POM)");
        Engine engine = Engine.getInstance();
        assertEquals("PyTorch", engine.getEngineName());
        assertEquals("2.7.1", engine.getVersion());
        assertTrue(OfflineEngineTest.class.getClassLoader()
                .getResource("native/lib/pytorch.properties") != null
                || ClassLoader.getSystemResource("native/lib/pytorch.properties") != null,
                "the pytorch-native-cpu jar (with native/lib/pytorch.properties) is on the class path");
        Path cache = Utils.getEngineCacheDir("pytorch");
        try (Stream<Path> s = Files.walk(cache)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("libtorch_cpu.so")),
                    "libtorch was extracted from the jar into " + cache);
        }
    }

    @Test
    void autoDeviceFallsBackToTheCpuWithoutAGpu() {
        if (Engine.getInstance().getGpuCount() == 0) {
            assertEquals(ai.djl.Device.cpu(), DeviceSelection.choose("auto"));
        } else {
            assertEquals(ai.djl.Device.gpu(), DeviceSelection.choose("auto"));
        }
        assertEquals(ai.djl.Device.cpu(), DeviceSelection.choose("cpu"));
    }
}
