package dev.perennial.samples.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.PluginKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * benchmarks/sweeps/slerpface.yaml (issue #22) is SlerpFaceBenchmark's comparison as a grid: four protection schemes
 * × three paired seeds; every point trains the benchmark's recogniser, predicts templates of 200 unseen identities,
 * and lists the nine slerpface-* metrics of its own scheme, whose configurations bind (140 attacker identities, so
 * 60 test identities, FAR 1e-3).
 */
class SlerpFaceSweepFileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> METRICS = List.of("slerpface-accuracy", "slerpface-tar", "slerpface-dsys",
            "slerpface-key-known-attack", "slerpface-ridge-attack", "slerpface-revoked-accept",
            "slerpface-reenrolled-tar", "slerpface-key-known-raw", "slerpface-ridge-raw");

    @Test
    void fourSchemesOverThreePairedSeedsEachScoredByItsNineMetrics() {
        List<SweepPoint> points = SweepGrid.expand(SweepFile.read(ROOT.resolve("benchmarks/sweeps/slerpface.yaml")));
        assertEquals(12, points.size());
        assertEquals(List.of(1L, 2L, 3L), points.stream().map(SweepPoint::seed).distinct().toList());
        assertEquals(List.of("none", "random-projection", "slerpface", "slerpface-no-dropout"),
                points.stream().map(p -> p.axisValues().get("metrics")).distinct().toList());
        PluginRegistry registry = PluginRegistry.load(List.of());
        for (SweepPoint p : points) {
            ExperimentConfig c = p.config();
            assertEquals("slerpface-grouping", c.learner().name(), p.name());
            assertTrue(c.learner().config().get("predictTemplates").asBoolean(), p.name());
            assertEquals(200, c.dataset().config().get("unseenTestIdentities").asInt(), p.name());
            assertEquals(8, c.training().epochs(), p.name());
            assertEquals(METRICS, c.metrics().stream().map(PluginRef::name).toList(), p.name());
            for (PluginRef m : c.metrics()) {
                assertEquals(p.axisValues().get("metrics"), m.config().get("scheme").asText(), p.name());
                assertEquals(140, m.config().get("attackerIdentities").asInt(), p.name());
                // The settings left out are the plugin's defaults: the program's FAR 1e-3, d = 16, λ 1.
                String bound = registry.bindConfig(PluginKind.METRIC, m.name(), m.config(), p.name()).toString();
                assertTrue(bound.contains("groupSize=16, far=0.001, ridgeLambda=1.0, bits=0"), bound);
            }
        }
    }
}
