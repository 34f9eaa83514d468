package dev.perennial.augmentation.mixing;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Provides the {@code cutmix} augmenter. */
@PluginName("cutmix")
public final class CutmixProvider extends AbstractPluginProvider<CutmixConfig, Augmenter>
        implements AugmenterProvider<CutmixConfig> {
    /** Creates the provider. */
    public CutmixProvider() {
        super(SpiVersion.CURRENT, "1.0.0", CutmixConfig.class, CutmixConfig::defaults,
                "cutmix baseline: pastes a box from another image of the batch and weights the labels by area");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Augmenter create(CutmixConfig config, PluginContext context) {
        return new CutmixAugmenter(config, context.seed());
    }
}
