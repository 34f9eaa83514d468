package dev.perennial.api.data;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@link IdxDataset} data set under the name {@code idx}. */
@PluginName("idx")
public final class IdxProvider extends AbstractPluginProvider<IdxConfig, DatasetSource>
        implements DatasetSourceProvider<IdxConfig> {
    /** Creates the provider. */
    public IdxProvider() {
        super(SpiVersion.CURRENT, "0.1.0", IdxConfig.class, IdxConfig::defaults,
                "Reads MNIST-style gzipped IDX files (Fashion-MNIST from the Debian package by default).");
    }

    @Override
    public DatasetSource create(IdxConfig config, PluginContext context) {
        return IdxDataset.open(config);
    }
}
