package dev.perennial.benchmarks.augmentation;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@code spurious-backgrounds} data set (see {@link SpuriousBackgrounds}). */
@PluginName("spurious-backgrounds")
public final class SpuriousBackgroundsProvider extends AbstractPluginProvider<SpuriousBackgroundsConfig, DatasetSource>
        implements DatasetSourceProvider<SpuriousBackgroundsConfig> {
    /** Creates the provider. */
    public SpuriousBackgroundsProvider() {
        super(SpiVersion.CURRENT, "1.0.0", SpuriousBackgroundsConfig.class, SpuriousBackgroundsConfig::defaults,
                "Fashion-MNIST objects on CIFAR-10 backgrounds that correlate with the class in training only");
    }

    @Override
    public DatasetSource create(SpuriousBackgroundsConfig config, PluginContext context) {
        return SpuriousBackgrounds.open(config);
    }
}
