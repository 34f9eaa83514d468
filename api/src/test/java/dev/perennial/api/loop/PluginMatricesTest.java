package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin's report-matrices.json joins the report's other metrics as PLUGIN.NAME; a metric's own name wins. */
class PluginMatricesTest {
    @TempDir
    Path run;

    @Test
    void aPluginsMatricesJoinTheOtherMetrics() throws IOException {
        Path work = Files.createDirectories(run.resolve("plugins").resolve("learner"));
        Files.writeString(work.resolve(PluginMatrices.FILE_NAME),
                "{\"slow-own\": [[0.5, null], [0.25, 0.75]], \"fast\": [[1]]}");
        Map<String, double[][]> others = new LinkedHashMap<>();
        double[][] kept = {{0.1}};
        others.put("safe.fast", kept);
        List<PluginInstance<?>> plugins = List.of(new PluginInstance<>("learner", "safe", "1", new Object()),
                new PluginInstance<>("metric-1", "accuracy", "1", new Object()));
        PluginMatrices.addTo(others, run, plugins);
        assertEquals(List.of("safe.fast", "safe.slow-own"), List.copyOf(others.keySet()));
        assertArrayEquals(new double[] {0.25, 0.75}, others.get("safe.slow-own")[1]);
        assertTrue(Double.isNaN(others.get("safe.slow-own")[0][1]));
        assertEquals(kept, others.get("safe.fast"), "a name already there is kept");
    }

    @Test
    void aMalformedFileIsNamed() throws IOException {
        Path work = Files.createDirectories(run.resolve("plugins").resolve("learner"));
        Files.writeString(work.resolve(PluginMatrices.FILE_NAME), "{\"x\": [[\"high\"]]}");
        List<PluginInstance<?>> plugins = List.of(new PluginInstance<>("learner", "safe", "1", new Object()));
        String m = assertThrows(UncheckedIOException.class, () -> PluginMatrices.addTo(new LinkedHashMap<>(), run,
                plugins)).getMessage();
        assertTrue(m.contains(PluginMatrices.FILE_NAME + ": x[0][0] is \"high\", not a number or null"), m);
    }
}
