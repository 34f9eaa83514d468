package dev.perennial.benchmarks.augmentation;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@code spurious-backgrounds} data set (see {@link SpuriousBackgrounds}). */
@PluginName("spurious-backgrounds")
public final class SpuriousBackgroundsProvider implements DatasetSourceProvider<SpuriousBackgroundsConfig> {

    /** Needed by ServiceLoader; does no work. */
    public SpuriousBackgroundsProvider() {}

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<SpuriousBackgroundsConfig> configType() {
        return SpuriousBackgroundsConfig.class;
    }

    @Override
    public SpuriousBackgroundsConfig defaultConfig() {
        return SpuriousBackgroundsConfig.defaults();
    }

    @Override
    public String description() {
        return "Fashion-MNIST objects on CIFAR-10 backgrounds that correlate with the class in training only";
    }

    @Override
    public DatasetSource create(SpuriousBackgroundsConfig config, PluginContext context) {
        return SpuriousBackgrounds.open(config);
    }
}
