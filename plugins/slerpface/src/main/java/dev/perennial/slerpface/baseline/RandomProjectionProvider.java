package dev.perennial.slerpface.baseline;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Protector;
import dev.perennial.spi.ProtectorProvider;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code random-projection} (BioHashing-style) baseline protector. */
@PluginName("random-projection")
public final class RandomProjectionProvider extends AbstractPluginProvider<RandomProjectionConfig, Protector>
        implements ProtectorProvider<RandomProjectionConfig> {
    /** Creates the provider. */
    public RandomProjectionProvider() {
        super(SpiVersion.CURRENT, "1.0.0", RandomProjectionConfig.class, RandomProjectionConfig::defaults,
                "BioHashing-style protection: a per-user orthonormal random projection, binarised by sign.");
    }

    @Override
    public Protector create(RandomProjectionConfig config, PluginContext context) {
        return new RandomProjection(config);
    }
}
