package dev.perennial.api.metrics;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides {@link TopKAccuracyMetric} with k = 5 under the name {@code top5-accuracy}. */
@PluginName("top5-accuracy")
public final class Top5AccuracyMetricProvider extends AbstractPluginProvider<AccuracyConfig, Metric>
        implements MetricProvider<AccuracyConfig> {
    /** Creates the provider. */
    public Top5AccuracyMetricProvider() {
        super(SpiVersion.CURRENT, "0.1.0", AccuracyConfig.class, AccuracyConfig::new,
                "Top-5 accuracy: the fraction of samples whose label is among the five highest class scores.");
    }

    @Override
    public Metric create(AccuracyConfig config, PluginContext context) {
        return new TopKAccuracyMetric(5, "top5-accuracy");
    }
}
