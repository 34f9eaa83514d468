package dev.perennial.augmentation.deda;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Provides the {@code de-da} augmenter (decoupled foreground / background augmentation). */
@PluginName("de-da")
public final class DecoupledAugmenterProvider extends AbstractPluginProvider<DecoupledConfig, Augmenter>
        implements AugmenterProvider<DecoupledConfig> {
    /** Creates the provider. */
    public DecoupledAugmenterProvider() {
        super(SpiVersion.CURRENT, "1.0.0", DecoupledConfig.class, DecoupledConfig::defaults,
                "De-DA: pastes conservatively edited objects onto backgrounds of other classes, online, keeping "
                + "the object's label");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Augmenter create(DecoupledConfig config, PluginContext context) {
        return new DecoupledAugmenter(config, context.seed());
    }
}
