package dev.perennial.deepfake.video;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** The factory of {@code video-blend}: Video-level Blending of real clips into hard-negative fakes. */
@PluginName("video-blend")
public final class VideoBlendProvider extends AbstractPluginProvider<VideoBlendConfig, Augmenter>
        implements AugmenterProvider<VideoBlendConfig> {
    /** Creates the provider. */
    public VideoBlendProvider() {
        super(SpiVersion.CURRENT, VERSION, VideoBlendConfig.class, VideoBlendConfig::defaults,
                "Video-level blending: a real clip blended frame by frame with its per-frame warped copy inside a "
                + "face mask, relabelled fake (facial-feature drift); clips are B x T x C x H x W.");
    }

    /** The plugin's version. */
    public static final String VERSION = "1.0.0";

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Augmenter create(VideoBlendConfig config, PluginContext context) {
        return new VideoBlendAugmenter(config, context.seed());
    }
}
