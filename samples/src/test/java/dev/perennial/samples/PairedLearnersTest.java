package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.Perennial;
import dev.perennial.api.loop.Seeds;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.Learner;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.ScenarioInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paired seeds on real learners (issue #22): {@code lora-seq} and {@code llaca} on one tiny LLaVA, given the seed a
 * run gives its learner slot, start from identical parameters with {@code seeds: paired} and from different ones
 * with {@code seeds: per-plugin} (the plugin's name is mixed in).
 */
class PairedLearnersTest {
    private static final String CONFIG = """
            {"model": {"hiddenSize": 32, "intermediateSize": 64, "layers": 1, "heads": 2, "visionImageSize": 16,
             "visionPatchSize": 8, "visionHiddenSize": 16, "visionLayers": 2, "loraRank": 4, "loraAlpha": 8,
             "loraDropout": 0, "fullTuneTasks": 1, "systemPrompt": "", "maxNewTokens": 4}}
            """;

    @TempDir
    Path dir;

    private record Context(String pluginName, NDManager manager, long seed, Path workDirectory)
            implements PluginContext {
        @Override
        public Device device() {
            return manager.getDevice();
        }

        @Override
        public Optional<ScenarioInfo> scenario() {
            return Optional.empty();
        }
    }

    private Map<String, float[]> initial(PluginRegistry registry, NDManager manager, String learner, boolean paired)
            throws Exception {
        JsonNode config = new ObjectMapper().readTree(CONFIG);
        long seed = Seeds.plugin(42L, "learner", learner, paired);
        Path work = Files.createDirectories(dir.resolve(learner + "-" + paired));
        Learner l = registry.create(PluginKind.LEARNER, learner, config, new Context(learner, manager, seed, work),
                "test");
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : l.model().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void pairedLoraSeqAndLlacaStartFromTheSameModelPerPluginDoNot() throws Exception {
        PluginRegistry registry = Perennial.plugins(List.of());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, float[]> a = initial(registry, manager, "lora-seq", true);
            Map<String, float[]> b = initial(registry, manager, "llaca", true);
            assertEquals(a.keySet(), b.keySet());
            assertTrue(a.size() > 10, "a whole LLaVA: " + a.keySet());
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k), b.get(k), k);
            }
            Map<String, float[]> c = initial(registry, manager, "lora-seq", false);
            Map<String, float[]> d = initial(registry, manager, "llaca", false);
            assertFalse(c.keySet().stream().allMatch(k -> java.util.Arrays.equals(c.get(k), d.get(k))),
                    "per-plugin seeds give the two learners different initial models");
        }
    }
}
