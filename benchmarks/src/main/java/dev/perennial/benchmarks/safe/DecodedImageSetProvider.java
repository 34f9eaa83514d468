package dev.perennial.benchmarks.safe;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@code decoded-image-set} data set (see {@link DecodedImageSet}). */
@PluginName("decoded-image-set")
public final class DecodedImageSetProvider extends AbstractPluginProvider<DecodedImageSetConfig, DatasetSource>
        implements DatasetSourceProvider<DecodedImageSetConfig> {
    /** Creates the provider. */
    public DecodedImageSetProvider() {
        super(SpiVersion.CURRENT, "1.0.0", DecodedImageSetConfig.class, DecodedImageSetConfig::defaults,
                "An image folder decoded once into memory, with an explicit class order and train/test sizes");
    }

    @Override
    public DatasetSource create(DecodedImageSetConfig config, PluginContext context) {
        return DecodedImageSet.open(config);
    }
}
