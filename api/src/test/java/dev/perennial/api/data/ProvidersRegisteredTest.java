package dev.perennial.api.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.ScenarioProvider;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProvidersRegisteredTest {
    @Test
    void dataSetAndScenarioProvidersAreDiscoverable() {
        Set<Class<?>> sources = ServiceLoader.load(DatasetSourceProvider.class).stream()
                .map(ServiceLoader.Provider::type).collect(Collectors.toSet());
        assertTrue(sources.containsAll(Set.of(ImageFolderProvider.class, IdxProvider.class,
                GeneratedShapesProvider.class)), sources.toString());
        Set<Class<?>> scenarios = ServiceLoader.load(ScenarioProvider.class).stream()
                .map(ServiceLoader.Provider::type).collect(Collectors.toSet());
        assertTrue(scenarios.contains(ClassIncrementalProvider.class), scenarios.toString());
    }
}
