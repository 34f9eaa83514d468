package dev.perennial.deepfake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Batch;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.SamplerProvider;
import dev.perennial.spi.SpiVersion;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every shipped plugin is registered in both module-info and META-INF/services (pitfall B.5.5), documented, and the
 * metrics work through the SPI.
 */
class PluginDiscoveryTest {

    /**
     * The providers of a type as the class path sees them (META-INF/services); each must also be declared with
     * {@code provides} in module-info when the module is named.
     */
    static List<Object> providers(Class<?> type) {
        List<Object> out = new java.util.ArrayList<>();
        try (java.io.InputStream in = PluginDiscoveryTest.class.getClassLoader()
                .getResourceAsStream("META-INF/services/" + type.getName())) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Module module = PluginDiscoveryTest.class.getModule();
            Set<String> declared = new TreeSet<>();
            if (module.isNamed()) {
                module.getDescriptor().provides().stream().filter(pr -> pr.service().equals(type.getName()))
                        .forEach(pr -> declared.addAll(pr.providers()));
            }
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    if (module.isNamed()) {
                        assertTrue(declared.contains(line.strip()), line + " is not in module-info 'provides'");
                    }
                    out.add(Class.forName(line.strip()).getConstructor().newInstance());
                }
            }
            if (module.isNamed()) {
                assertEquals(declared.size(), out.size(), "module-info and META-INF/services list the same providers");
            }
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static Set<String> names(Class<?> type) {
        Set<String> out = new TreeSet<>();
        for (Object p : providers(type)) {
            PluginProvider<?, ?> provider = (PluginProvider<?, ?>) p;
            if (provider.getClass().getName().startsWith("dev.perennial.deepfake")) {
                out.add(provider.name());
                assertEquals(SpiVersion.CURRENT, provider.spiVersion());
                assertTrue(PluginProvider.NAME.matcher(provider.name()).matches());
                assertTrue(provider.configType().isInstance(provider.defaultConfig()));
                for (RecordComponent c : provider.configType().getRecordComponents()) {
                    assertTrue(c.isAnnotationPresent(ConfigDoc.class), provider.name() + "." + c.getName());
                }
            }
        }
        return out;
    }

    @Test
    void everyProviderIsFound() {
        assertEquals(Set.of("quality-curriculum"), names(SamplerProvider.class));
        assertEquals(Set.of("diffusionfake"), names(dev.perennial.spi.DistillerProvider.class));
        assertEquals(Set.of("df40-protocol", "synthetic-swaps"),
                names(dev.perennial.spi.DatasetSourceProvider.class));
        assertEquals(Set.of("deepfake-detector"), names(dev.perennial.spi.LearnerProvider.class));
        assertEquals(Set.of("quality-freda", "video-blend", "clip-consistent"), names(AugmenterProvider.class));
        assertEquals(Set.of("frame-auc", "video-auc", "eer", "eer-roc-crossing", "average-precision",
                "accuracy-at-half", "real-accuracy", "fake-accuracy"), names(MetricProvider.class));
    }

    @Test
    void metricsReadScoresLabelsAndVideoIdsFromBatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(4, 1));
            x.setName("image");
            Batch batch = new Batch(new NDList(x), Optional.of(m.create(new long[] {0, 0, 1, 1})), Optional.empty(),
                    new long[] {0, 1, 2, 3}, 0, Map.of("video_id", List.of("ff/a", "ff/b", "ff/c", "ff/c")));
            Predictions p = Predictions.ofScores(new float[][] {{0.9f, 0.1f}, {0.6f, 0.4f}, {0.65f, 0.35f},
                {0.2f, 0.8f}});
            Map<String, Double> expected = Map.of("frame-auc", 0.75, "eer", 0.5, "video-auc", 1.0,
                    "accuracy-at-half", 0.75, "real-accuracy", 1.0, "fake-accuracy", 0.5);
            for (Object o : providers(MetricProvider.class)) {
                MetricProvider<?> provider = (MetricProvider<?>) o;
                if (!expected.containsKey(provider.name())) {
                    continue;
                }
                Metric metric = create(provider);
                Metric.Accumulator acc = metric.newAccumulator();
                acc.add(batch, p);
                assertEquals(expected.get(provider.name()), acc.result(), 1e-12, provider.name());
                assertEquals(!provider.name().equals("eer"), metric.higherIsBetter());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <C extends Record> Metric create(MetricProvider<C> provider) {
        return provider.create(provider.defaultConfig(), null);
    }
}
