package dev.perennial.api.data;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@link IdxDataset} data set under the name {@code idx}. */
@PluginName("idx")
public final class IdxProvider implements DatasetSourceProvider<IdxConfig> {
    /** Creates the provider; does no work. */
    public IdxProvider() {}

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<IdxConfig> configType() {
        return IdxConfig.class;
    }

    @Override
    public IdxConfig defaultConfig() {
        return IdxConfig.defaults();
    }

    @Override
    public String description() {
        return "Reads MNIST-style gzipped IDX files (Fashion-MNIST from the Debian package by default).";
    }

    @Override
    public DatasetSource create(IdxConfig config, PluginContext context) {
        return IdxDataset.open(config);
    }
}
