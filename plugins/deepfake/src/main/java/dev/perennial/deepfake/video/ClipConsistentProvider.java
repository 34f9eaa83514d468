package dev.perennial.deepfake.video;

import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of {@code clip-consistent}: flip, brightness and contrast drawn once per clip. */
@PluginName("clip-consistent")
public final class ClipConsistentProvider implements AugmenterProvider<ClipConsistentConfig> {

    @Override
    public String version() {
        return VideoBlendProvider.VERSION;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<ClipConsistentConfig> configType() {
        return ClipConsistentConfig.class;
    }

    @Override
    public ClipConsistentConfig defaultConfig() {
        return ClipConsistentConfig.defaults();
    }

    @Override
    public String description() {
        return "Clip-consistent augmentation: one random flip / brightness / contrast per clip, the same on every "
                + "frame.";
    }

    @Override
    public Augmenter create(ClipConsistentConfig config, PluginContext context) {
        return new ClipConsistentAugmenter(new FramePhotometricAugmenter(config, context.seed()), config.clipInput(),
                config.frameInput());
    }
}
