package dev.perennial.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.SpiVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AccuracyMetricTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static Batch batch(NDArray labels) {
        long n = labels.getShape().get(0);
        return new Batch(new NDList(), Optional.of(labels), Optional.empty(), new long[(int) n], 3, Map.of());
    }

    @Test
    void top1CountsMatchesOverAllBatches() {
        Metric.Accumulator acc = new AccuracyMetric().newAccumulator();
        acc.add(batch(manager.create(new long[] {0, 1, 2, 3})), Predictions.ofClasses(new long[] {0, 1, 0, 3}));
        acc.add(batch(manager.create(new int[] {5, 5})), Predictions.ofClasses(new long[] {5, 4}));
        // 3 of 4, then 1 of 2: 4 of 6.
        assertEquals(4.0 / 6, acc.result(), 1e-12);
    }

    @Test
    void top1ReadsTheArgMaxOfScores() {
        Metric.Accumulator acc = new AccuracyMetric().newAccumulator();
        acc.add(batch(manager.create(new long[] {1, 0})),
                Predictions.ofScores(new float[][] {{0.1f, 0.7f, 0.2f}, {0.3f, 0.6f, 0.1f}}));
        assertEquals(0.5, acc.result(), 1e-12);
    }

    @Test
    void top1ErrorsNameTheMetric() {
        Metric.Accumulator acc = new AccuracyMetric().newAccumulator();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> acc.add(batch(manager.create(new long[] {1})), Predictions.ofTexts(List.of("a cat"))));
        assertTrue(e.getMessage().contains("'accuracy'") && e.getMessage().contains("texts"), e.getMessage());
        Batch unlabelled = new Batch(new NDList(), Optional.empty(), Optional.empty(), new long[1], 0, Map.of());
        e = assertThrows(IllegalArgumentException.class,
                () -> acc.add(unlabelled, Predictions.ofClasses(new long[] {1})));
        assertTrue(e.getMessage().contains("needs class labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> acc.add(batch(manager.create(new long[] {1, 2})), Predictions.ofClasses(new long[] {1})));
        assertTrue(e.getMessage().contains("1 predictions for a batch of 2"), e.getMessage());
        assertThrows(IllegalStateException.class, acc::result, "nothing was added");
    }

    @Test
    void top5CountsLabelsAmongTheFiveHighestScores() {
        Metric.Accumulator acc = new TopKAccuracyMetric(5, "top5-accuracy").newAccumulator();
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f};
        // Label 4 is fifth (in), label 5 sixth (out), label 0 first (in).
        acc.add(batch(manager.create(new long[] {4, 5, 0})),
                Predictions.ofScores(new float[][] {scores, scores, scores}));
        assertEquals(2.0 / 3, acc.result(), 1e-12);
    }

    @Test
    void topKResolvesTiesInTheLabelsFavour() {
        Metric.Accumulator acc = new TopKAccuracyMetric(2, "top2").newAccumulator();
        // Label 2 ties with class 1 for second place: fewer than 2 classes score strictly higher.
        acc.add(batch(manager.create(new long[] {2})), Predictions.ofScores(new float[][] {{0.5f, 0.3f, 0.3f}}));
        assertEquals(1.0, acc.result(), 1e-12);
    }

    @Test
    void top5NeedsScores() {
        Metric.Accumulator acc = new TopKAccuracyMetric(5, "top5-accuracy").newAccumulator();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> acc.add(batch(manager.create(new long[] {1})), Predictions.ofClasses(new long[] {1})));
        assertTrue(e.getMessage().contains("needs class scores") && e.getMessage().contains("'accuracy'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acc.add(batch(manager.create(new long[] {3})),
                Predictions.ofScores(new float[][] {{0.1f, 0.9f}})));
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("2 classes"), e.getMessage());
    }

    @Test
    void providersAreNamedVersionedAndMakeTheirMetric() {
        List<MetricProvider<AccuracyConfig>> providers = List.of(new AccuracyMetricProvider(),
                new Top5AccuracyMetricProvider());
        assertEquals("accuracy", providers.get(0).name());
        assertEquals("top5-accuracy", providers.get(1).name());
        for (MetricProvider<AccuracyConfig> p : providers) {
            assertTrue(PluginProvider.NAME.matcher(p.name()).matches());
            assertTrue(SpiVersion.isCompatible(p.spiVersion()));
            Metric metric = p.create(p.defaultConfig(), null);
            assertTrue(metric.higherIsBetter());
            Metric.Accumulator acc = metric.newAccumulator();
            acc.add(batch(manager.create(new long[] {1})), Predictions.ofScores(new float[][] {{0.2f, 0.8f}}));
            assertEquals(1.0, acc.result(), 1e-12);
        }
    }
}
