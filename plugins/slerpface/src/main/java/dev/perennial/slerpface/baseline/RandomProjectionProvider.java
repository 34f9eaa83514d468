package dev.perennial.slerpface.baseline;

import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Protector;
import dev.perennial.spi.ProtectorProvider;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code random-projection} (BioHashing-style) baseline protector. */
@PluginName("random-projection")
public final class RandomProjectionProvider implements ProtectorProvider<RandomProjectionConfig> {

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<RandomProjectionConfig> configType() {
        return RandomProjectionConfig.class;
    }

    @Override
    public RandomProjectionConfig defaultConfig() {
        return RandomProjectionConfig.defaults();
    }

    @Override
    public String description() {
        return "BioHashing-style protection: a per-user orthonormal random projection, binarised by sign.";
    }

    @Override
    public Protector create(RandomProjectionConfig config, PluginContext context) {
        return new RandomProjection(config);
    }
}
