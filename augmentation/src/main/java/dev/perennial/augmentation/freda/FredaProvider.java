package dev.perennial.augmentation.freda;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Provides the {@code freda} augmenter. */
@PluginName("freda")
public final class FredaProvider extends AbstractPluginProvider<FredaConfig, Augmenter>
        implements AugmenterProvider<FredaConfig> {
    /** Creates the provider. */
    public FredaProvider() {
        super(SpiVersion.CURRENT, "1.0.0", FredaConfig.class, FredaConfig::defaults,
                "FreDA: gives low-quality fakes the low-frequency band of their corresponding real frame"
                + " (frequency-domain mix)");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Augmenter create(FredaConfig config, PluginContext context) {
        return new FredaAugmenter(config, context.seed());
    }
}
