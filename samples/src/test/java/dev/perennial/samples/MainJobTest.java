package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.Perennial;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.PluginKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job ({@code perennial run} with no file, issue #23): the shipped sample binds, every compared learner
 * binds with the model section it inherits, and a 1-epoch, small-data version of it runs end to end: the base task
 * once, then llaca and lora-seq from the model it left, both matrices and the summary printed, one comparison
 * written.
 */
class MainJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSampleAndItsComparedLearnersBind() {
        ExperimentConfig c = PerennialCli.defaultExperiment();
        PluginRegistry registry = Perennial.plugins(List.of());
        assertEquals("llaca", c.learner().name());
        assertEquals(List.of("lora-seq"), c.compare().learners().stream().map(PluginRef::name).toList());
        assertEquals(List.of("base"), c.compare().sharedTasks());
        assertEquals("base", c.scenario().config().path("tasks").get(0).asText());
        // s per tensor at Continual-NExT's 0.01, where the adaptive branch is taken on most updates (BENCHMARKS.md)
        assertEquals("TENSOR", c.learner().config().path("ema").path("scaleUnit").asText());
        assertEquals(0.01, c.learner().config().path("ema").path("scale").asDouble(), 1e-9);
        registry.bindConfig(PluginKind.LEARNER, c.learner().name(), c.learner().config(), PerennialCli.DEFAULT);
        for (PluginRef l : c.compare().learners()) {
            var config = l.config().deepCopy();
            config.set("model", c.learner().config().get("model").deepCopy());
            registry.bindConfig(PluginKind.LEARNER, l.name(), config, PerennialCli.DEFAULT + " compare");
        }
        // the test split is large enough that one example is at most 1 % of a task's score
        assertTrue(c.dataset().config().path("testPerTask").asInt() >= 100, c.dataset().config().toString());
        // the grounding answer is 17 word-level tokens; shorter generations could never score
        assertTrue(c.learner().config().path("model").path("maxNewTokens").asInt() >= 17);
    }

    @Test
    void aOneEpochVersionRunsEndToEnd(@TempDir Path tmp) throws IOException {
        PluginCheckTest.Result r = PluginCheckTest.cli("run", "--run-dir", tmp.toString(),
                "--set", "training.epochs=1", "--set", "dataset.config.trainPerTask=16",
                "--set", "dataset.config.testPerTask=4", "--set", "dataset.config.basePerTask=4",
                "--set", "training.dataWorkers=1");
        assertEquals(0, r.status(), r.err());
        Path root;
        try (Stream<Path> s = Files.list(tmp)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), "one comparison folder: " + all);
            root = all.get(0);
        }
        assertTrue(Files.isRegularFile(root.resolve("shared-model").resolve("config.json")));
        assertTrue(Files.isRegularFile(root.resolve("comparison.html")));
        JsonNode cmp = JSON.readTree(root.resolve("comparison.json").toFile());
        assertEquals(List.of("base"), List.of(cmp.get("sharedTasks").get(0).asText()));
        JsonNode learners = cmp.get("learners");
        assertEquals(2, learners.size(), cmp.toString());
        assertEquals("llaca", learners.get(0).get("learner").asText());
        assertEquals("lora-seq", learners.get(1).get("learner").asText());
        for (JsonNode l : learners) {
            JsonNode m = l.get("accuracyMatrix");
            assertEquals(7, m.size(), l.toString());
            for (int k = 0; k < 7; k++) {
                for (int i = 0; i <= k; i++) {
                    assertTrue(m.get(k).get(i).isNumber(), "a[" + k + "][" + i + "] of " + l.get("learner"));
                }
            }
            // both start from the one shared model, with paired seeds
            JsonNode experiment = JSON.readTree(Path.of(l.get("run").asText()).resolve("experiment.json").toFile());
            assertEquals(root.resolve("shared-model").toString(),
                    experiment.path("learner").path("config").path("model").path("checkpoint").asText());
            assertEquals(0, experiment.path("learner").path("config").path("model").path("fullTuneTasks").asInt());
            assertEquals("paired", experiment.path("seeds").asText());
        }
        assertTrue(learners.get(0).get("adaptiveShare").isNumber(), "llaca counts its EMA updates");
        assertTrue(learners.get(1).get("adaptiveShare").isNull(), "lora-seq has no EMA");
        assertTrue(r.out().contains("== llaca ==") && r.out().contains("== lora-seq =="), r.out());
        assertTrue(r.out().contains("adaptive share"), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
    }
}
