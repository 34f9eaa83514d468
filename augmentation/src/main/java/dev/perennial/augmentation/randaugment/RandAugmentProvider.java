package dev.perennial.augmentation.randaugment;

import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Provides the {@code randaugment} augmenter. */
@PluginName("randaugment")
public final class RandAugmentProvider implements AugmenterProvider<RandAugmentConfig> {

    /** Needed by ServiceLoader; does no work. */
    public RandAugmentProvider() {}

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<RandAugmentConfig> configType() {
        return RandAugmentConfig.class;
    }

    @Override
    public RandAugmentConfig defaultConfig() {
        return RandAugmentConfig.defaults();
    }

    @Override
    public String description() {
        return "RandAugment-style photometric baseline: N operations per image at magnitude M";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Augmenter create(RandAugmentConfig config, PluginContext context) {
        return new RandAugmentAugmenter(config, context.seed());
    }
}
