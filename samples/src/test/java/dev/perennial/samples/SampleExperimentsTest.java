package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perennial.api.Perennial;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.PluginKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped experiments parse, and every plugin they name exists and accepts its configuration. */
class SampleExperimentsTest {
    private final PluginRegistry registry = Perennial.plugins(List.of());

    private void assertBinds(ExperimentConfig c, String where) {
        registry.bindConfig(PluginKind.DATASET_SOURCE, c.dataset().name(), c.dataset().config(), where);
        registry.bindConfig(PluginKind.SCENARIO, c.scenario().name(), c.scenario().config(), where);
        registry.bindConfig(PluginKind.LEARNER, c.learner().name(), c.learner().config(), where);
        for (PluginRef a : c.augmenters()) {
            registry.bindConfig(PluginKind.AUGMENTER, a.name(), a.config(), where);
        }
        for (PluginRef m : c.metrics()) {
            registry.bindConfig(PluginKind.METRIC, m.name(), m.config(), where);
        }
    }

    @Test
    void theDefaultIsTheContinualVqaSample() {
        ExperimentConfig c = PerennialCli.defaultExperiment();
        assertEquals("llaca", c.learner().name());
        assertEquals("mini-coin", c.dataset().name());
        assertBinds(c, PerennialCli.DEFAULT);
    }

    @Test
    void theClassIncrementalSampleBinds() {
        assertBinds(PerennialCli.embedded("class-incremental-shapes.yaml"), "class-incremental-shapes.yaml");
    }
}
