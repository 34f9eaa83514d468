package dev.perennial.benchmarks.augmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.SpiVersion;
import java.util.TreeMap;

/**
 * Provides {@code worst-group-accuracy}: the lowest accuracy over the groups (label, attribute), as reported on
 * Waterbirds (Sagawa et al., "Distributionally Robust Neural Networks", ICLR 2020), where the attribute is the
 * background.
 */
@PluginName("worst-group-accuracy")
public final class WorstGroupAccuracyProvider extends AbstractPluginProvider<WorstGroupConfig, Metric>
        implements MetricProvider<WorstGroupConfig> {
    /** Creates the provider. */
    public WorstGroupAccuracyProvider() {
        super(SpiVersion.CURRENT, "1.0.0", WorstGroupConfig.class, () -> new WorstGroupConfig("background", 1),
                "Lowest accuracy over (label, group attribute) pairs, e.g. (class, background)");
    }

    @Override
    public Metric create(WorstGroupConfig config, PluginContext context) {
        return () -> new Metric.Accumulator() {
            private final TreeMap<String, long[]> groups = new TreeMap<>();

            @Override
            public void add(Batch batch, Predictions predictions) {
                long[] predicted = predictions.classes().orElseThrow(() -> new IllegalArgumentException(
                        "metric 'worst-group-accuracy' needs predicted class ids"));
                long[] labels = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
                NDArray attribute = batch.input(config.groupInput());
                long[] groupOf = attribute.toType(DataType.INT64, false).toLongArray();
                if (groupOf.length != labels.length || predicted.length != labels.length) {
                    throw new IllegalArgumentException("metric 'worst-group-accuracy': batch of " + labels.length
                            + " labels has " + groupOf.length + " '" + config.groupInput() + "' values and "
                            + predicted.length + " predictions");
                }
                for (int i = 0; i < labels.length; i++) {
                    long[] counts = groups.computeIfAbsent(labels[i] + "/" + groupOf[i], k -> new long[2]);
                    counts[0] += predicted[i] == labels[i] ? 1 : 0;
                    counts[1]++;
                }
            }

            @Override
            public double result() {
                double worst = Double.NaN;
                for (long[] counts : groups.values()) {
                    if (counts[1] >= config.minGroupSize()) {
                        double acc = (double) counts[0] / counts[1];
                        worst = Double.isNaN(worst) ? acc : Math.min(worst, acc);
                    }
                }
                if (Double.isNaN(worst)) {
                    throw new IllegalStateException("metric 'worst-group-accuracy': no group has "
                            + config.minGroupSize() + " or more samples");
                }
                return worst;
            }
        };
    }
}
