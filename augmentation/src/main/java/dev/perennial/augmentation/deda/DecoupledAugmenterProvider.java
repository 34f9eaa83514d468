package dev.perennial.augmentation.deda;

import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Provides the {@code de-da} augmenter (decoupled foreground / background augmentation). */
@PluginName("de-da")
public final class DecoupledAugmenterProvider implements AugmenterProvider<DecoupledConfig> {

    /** Needed by ServiceLoader; does no work. */
    public DecoupledAugmenterProvider() {}

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<DecoupledConfig> configType() {
        return DecoupledConfig.class;
    }

    @Override
    public DecoupledConfig defaultConfig() {
        return DecoupledConfig.defaults();
    }

    @Override
    public String description() {
        return "De-DA: pastes conservatively edited objects onto backgrounds of other classes, online, keeping "
                + "the object's label";
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
