package dev.perennial.deepfake.detector;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code deepfake-detector} learner. */
@PluginName("deepfake-detector")
public final class DeepfakeDetectorProvider extends AbstractPluginProvider<DeepfakeDetectorConfig, Learner>
        implements LearnerProvider<DeepfakeDetectorConfig> {
    /** Creates the provider. */
    public DeepfakeDetectorProvider() {
        super(SpiVersion.CURRENT, "0.1.0", DeepfakeDetectorConfig.class, DeepfakeDetectorConfig::defaults,
                "ResNet real/fake detector trained with cross-entropy; returns a stage's feature map as "
                + "'feature_map' (what diffusionfake reads).");
    }

    @Override
    public Learner create(DeepfakeDetectorConfig config, PluginContext context) {
        return new DeepfakeDetector(config, context);
    }
}
