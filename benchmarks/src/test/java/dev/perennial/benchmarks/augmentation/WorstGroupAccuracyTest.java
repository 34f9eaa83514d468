package dev.perennial.benchmarks.augmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorstGroupAccuracyTest {

    private static Batch batch(NDManager m, long[] labels, long[] background) {
        NDArray group = m.create(background).reshape(background.length, 1);
        group.setName("background");
        long[] ids = new long[labels.length];
        return new Batch(new NDList(group), Optional.of(m.create(labels)), Optional.empty(), ids, 0, Map.of());
    }

    @Test
    void isTheLowestGroupAccuracy() {
        try (NDManager m = NDManager.newBaseManager()) {
            Metric metric = new WorstGroupAccuracyProvider().create(new WorstGroupConfig("background", 1), null);
            Metric.Accumulator acc = metric.newAccumulator();
            // group (0, bg 0): 2 of 2 right; group (0, bg 1): 1 of 2; group (1, bg 0): 0 of 1
            acc.add(batch(m, new long[] {0, 0, 0, 0}, new long[] {0, 0, 1, 1}),
                    Predictions.ofClasses(new long[] {0, 0, 0, 1}));
            acc.add(batch(m, new long[] {1}, new long[] {0}), Predictions.ofClasses(new long[] {0}));
            assertEquals(0.0, acc.result());
            Metric.Accumulator big = new WorstGroupAccuracyProvider().create(new WorstGroupConfig("background", 2), null)
                    .newAccumulator();
            big.add(batch(m, new long[] {0, 0, 0, 0, 1}, new long[] {0, 0, 1, 1, 0}),
                    Predictions.ofClasses(new long[] {0, 0, 0, 1, 0}));
            assertEquals(0.5, big.result(), "the single-sample group is left out");
        }
    }

    @Test
    void emptyIsAnError() {
        Metric metric = new WorstGroupAccuracyProvider().create(new WorstGroupConfig("background", 1), null);
        assertThrows(IllegalStateException.class, () -> metric.newAccumulator().result());
    }
}
