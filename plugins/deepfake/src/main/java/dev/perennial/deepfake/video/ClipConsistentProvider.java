package dev.perennial.deepfake.video;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of {@code clip-consistent}: flip, brightness and contrast drawn once per clip. */
@PluginName("clip-consistent")
public final class ClipConsistentProvider extends AbstractPluginProvider<ClipConsistentConfig, Augmenter>
        implements AugmenterProvider<ClipConsistentConfig> {
    /** Creates the provider. */
    public ClipConsistentProvider() {
        super(SpiVersion.CURRENT, VideoBlendProvider.VERSION, ClipConsistentConfig.class,
                ClipConsistentConfig::defaults,
                "Clip-consistent augmentation: one random flip / brightness / contrast per clip, the same on every "
                + "frame.");
    }

    @Override
    public Augmenter create(ClipConsistentConfig config, PluginContext context) {
        return new ClipConsistentAugmenter(new FramePhotometricAugmenter(config, context.seed()), config.clipInput(),
                config.frameInput());
    }
}
