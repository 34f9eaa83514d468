package dev.perennial.api.metrics;

import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides {@link TopKAccuracyMetric} with k = 5 under the name {@code top5-accuracy}. */
@PluginName("top5-accuracy")
public final class Top5AccuracyMetricProvider implements MetricProvider<AccuracyConfig> {
    /** Creates the provider; does no work. */
    public Top5AccuracyMetricProvider() {}

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
        return "Top-5 accuracy: the fraction of samples whose label is among the five highest class scores.";
    }

    @Override
    public Metric create(AccuracyConfig config, PluginContext context) {
        return new TopKAccuracyMetric(5, "top5-accuracy");
    }
}
