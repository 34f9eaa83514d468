package dev.perennial.deepfake.eval;

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
public abstract class DetectionMetricProvider implements MetricProvider<DetectionMetricConfig> {

    /** The version of the deepfake plugin, written into reports and checkpoints. */
    public static final String VERSION = "1.0.0";

    private final DetectionStatistic statistic;
    private final boolean videoByDefault;

    /**
     * Sets the statistic.
     *
     * @param statistic what the metric reports
     * @param videoByDefault whether the default aggregation is per video
     */
    protected DetectionMetricProvider(DetectionStatistic statistic, boolean videoByDefault) {
        this.statistic = statistic;
        this.videoByDefault = videoByDefault;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<DetectionMetricConfig> configType() {
        return DetectionMetricConfig.class;
    }

    @Override
    public DetectionMetricConfig defaultConfig() {
        return videoByDefault ? DetectionMetricConfig.videoDefaults() : DetectionMetricConfig.frameDefaults();
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
