package dev.perennial.augmentation.mixing;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Provides the {@code mixup} augmenter. */
@PluginName("mixup")
public final class MixupProvider extends AbstractPluginProvider<MixupConfig, Augmenter>
        implements AugmenterProvider<MixupConfig> {
    /** Creates the provider. */
    public MixupProvider() {
        super(SpiVersion.CURRENT, "1.0.0", MixupConfig.class, MixupConfig::defaults,
                "mixup baseline: blends image pairs of a batch with a Beta(alpha, alpha) weight and mixes their"
                + " labels");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Augmenter create(MixupConfig config, PluginContext context) {
        return new MixupAugmenter(config, context.seed());
    }
}
