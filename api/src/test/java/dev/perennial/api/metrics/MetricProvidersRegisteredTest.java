package dev.perennial.api.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.MetricProvider;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricProvidersRegisteredTest {
    @Test
    void metricProvidersAreDiscoverable() {
        Set<Class<?>> metrics = ServiceLoader.load(MetricProvider.class).stream()
                .map(ServiceLoader.Provider::type).collect(Collectors.toSet());
        assertTrue(metrics.containsAll(Set.of(AccuracyMetricProvider.class, Top5AccuracyMetricProvider.class)),
                metrics.toString());
    }
}
