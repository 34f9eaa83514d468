package dev.perennial.augmentation.randaugment;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Provides the {@code randaugment} augmenter. */
@PluginName("randaugment")
public final class RandAugmentProvider extends AbstractPluginProvider<RandAugmentConfig, Augmenter>
        implements AugmenterProvider<RandAugmentConfig> {
    /** Creates the provider. */
    public RandAugmentProvider() {
        super(SpiVersion.CURRENT, "1.0.0", RandAugmentConfig.class, RandAugmentConfig::defaults,
                "RandAugment-style photometric baseline: N operations per image at magnitude M");
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
