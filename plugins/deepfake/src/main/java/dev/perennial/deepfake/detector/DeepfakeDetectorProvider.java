package dev.perennial.deepfake.detector;

import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code deepfake-detector} learner. */
@PluginName("deepfake-detector")
public final class DeepfakeDetectorProvider implements LearnerProvider<DeepfakeDetectorConfig> {
    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<DeepfakeDetectorConfig> configType() {
        return DeepfakeDetectorConfig.class;
    }

    @Override
    public DeepfakeDetectorConfig defaultConfig() {
        return DeepfakeDetectorConfig.defaults();
    }

    @Override
    public String description() {
        return "ResNet real/fake detector trained with cross-entropy; returns a stage's feature map as "
                + "'feature_map' (what diffusionfake reads).";
    }

    @Override
    public Learner create(DeepfakeDetectorConfig config, PluginContext context) {
        return new DeepfakeDetector(config, context);
    }
}
