package dev.perennial.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link AbstractPluginProvider}: metadata from the constructor, the kind from the kind's interface. */
class AbstractPluginProviderTest {

    /** A record with a mutable component, so that a shared default would show. */
    record Cfg(List<String> names) {}

    @PluginName("probe-metric")
    static final class Probe extends AbstractPluginProvider<Cfg, Metric> implements MetricProvider<Cfg> {
        Probe(Supplier<Cfg> defaults) {
            super(SpiVersion.CURRENT, "2.3.4", Cfg.class, defaults, "A probe.");
        }

        @Override
        public Metric create(Cfg config, PluginContext context) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void metadataComesFromTheConstructorAndTheKindFromTheInterface() {
        Probe p = new Probe(() -> new Cfg(List.of("a")));
        assertEquals("probe-metric", p.name());
        assertEquals(PluginKind.METRIC, p.kind());
        assertEquals("2.3.4", p.version());
        assertEquals(SpiVersion.CURRENT, p.spiVersion());
        assertTrue(SpiVersion.isCompatible(p.spiVersion()));
        assertEquals(Cfg.class, p.configType());
        assertEquals("A probe.", p.description());
        assertEquals(new Cfg(List.of("a")), p.defaultConfig());
    }

    @Test
    void theDefaultsAreMadeOnEachCallNotInTheConstructor() {
        AtomicInteger made = new AtomicInteger();
        Probe p = new Probe(() -> {
            made.incrementAndGet();
            return new Cfg(new java.util.ArrayList<>(List.of("a")));
        });
        assertEquals(0, made.get(), "the constructor must do no work");
        Cfg first = p.defaultConfig();
        first.names().add("changed by a caller");
        Cfg second = p.defaultConfig();
        assertNotSame(first, second);
        assertEquals(List.of("a"), second.names());
        assertEquals(2, made.get());
    }

    @Test
    void aMissingPieceIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> new Probe(null));
        assertEquals("defaultConfig", e.getMessage());
    }
}
