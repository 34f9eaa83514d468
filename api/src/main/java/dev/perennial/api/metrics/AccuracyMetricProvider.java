package dev.perennial.api.metrics;

import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides {@link AccuracyMetric} (top-1) under the name {@code accuracy}. */
@PluginName("accuracy")
public final class AccuracyMetricProvider implements MetricProvider<AccuracyConfig> {
    /** Creates the provider; does no work. */
    public AccuracyMetricProvider() {}

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<AccuracyConfig> configType() {
        return AccuracyConfig.class;
    }

    @Override
    public AccuracyConfig defaultConfig() {
        return new AccuracyConfig();
    }

    @Override
    public String description() {
        return "Top-1 accuracy: the fraction of samples whose predicted class equals the label.";
    }

    @Override
    public Metric create(AccuracyConfig config, PluginContext context) {
        return new AccuracyMetric();
    }
}
