package dev.perennial.benchmarks.safe;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@code decoded-image-set} data set (see {@link DecodedImageSet}). */
@PluginName("decoded-image-set")
public final class DecodedImageSetProvider implements DatasetSourceProvider<DecodedImageSetConfig> {

    /** Needed by ServiceLoader; does no work. */
    public DecodedImageSetProvider() {}

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<DecodedImageSetConfig> configType() {
        return DecodedImageSetConfig.class;
    }

    @Override
    public DecodedImageSetConfig defaultConfig() {
        return DecodedImageSetConfig.defaults();
    }

    @Override
    public String description() {
        return "An image folder decoded once into memory, with an explicit class order and train/test sizes";
    }

    @Override
    public DatasetSource create(DecodedImageSetConfig config, PluginContext context) {
        return DecodedImageSet.open(config);
    }
}
