package dev.perennial.deepfake.synthetic;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code synthetic-swaps} data set. */
@PluginName("synthetic-swaps")
public final class SyntheticSwapsProvider implements DatasetSourceProvider<SyntheticSwapsConfig> {
    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<SyntheticSwapsConfig> configType() {
        return SyntheticSwapsConfig.class;
    }

    @Override
    public SyntheticSwapsConfig defaultConfig() {
        return SyntheticSwapsConfig.defaults();
    }

    @Override
    public String description() {
        return "Rendered face swaps (real / fake) with each frame's source and target faces as extra inputs "
                + "'source' and 'target' (for diffusionfake); nothing is downloaded.";
    }

    @Override
    public DatasetSource create(SyntheticSwapsConfig config, PluginContext context) {
        return new SyntheticSwaps(config);
    }
}
