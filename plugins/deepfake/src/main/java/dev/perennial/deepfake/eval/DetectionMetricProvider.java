package dev.perennial.deepfake.eval;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/**
 * The shared factory of the detection metrics; each subclass names one {@link DetectionStatistic} and a default
 * aggregation.
 */
public abstract class DetectionMetricProvider extends AbstractPluginProvider<DetectionMetricConfig, Metric>
        implements MetricProvider<DetectionMetricConfig> {
    /** The version of the deepfake plugin, written into reports and checkpoints. */
    public static final String VERSION = "1.0.0";

    private final DetectionStatistic statistic;

    /**
     * Sets the statistic.
     *
     * @param statistic what the metric reports
     * @param videoByDefault whether the default aggregation is per video
     * @param description the metric's description
     */
    protected DetectionMetricProvider(DetectionStatistic statistic, boolean videoByDefault, String description) {
        super(SpiVersion.CURRENT, VERSION, DetectionMetricConfig.class,
                videoByDefault ? DetectionMetricConfig::videoDefaults : DetectionMetricConfig::frameDefaults,
                description);
        this.statistic = statistic;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Metric create(DetectionMetricConfig config, PluginContext context) {
        return new DetectionMetric(name(), statistic, config);
    }
}
