package dev.perennial.api.metrics;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides {@link AccuracyMetric} (top-1) under the name {@code accuracy}. */
@PluginName("accuracy")
public final class AccuracyMetricProvider extends AbstractPluginProvider<AccuracyConfig, Metric>
        implements MetricProvider<AccuracyConfig> {
    /** Creates the provider. */
    public AccuracyMetricProvider() {
        super(SpiVersion.CURRENT, "0.1.0", AccuracyConfig.class, AccuracyConfig::new,
                "Top-1 accuracy: the fraction of samples whose predicted class equals the label.");
    }

    @Override
    public Metric create(AccuracyConfig config, PluginContext context) {
        return new AccuracyMetric();
    }
}
