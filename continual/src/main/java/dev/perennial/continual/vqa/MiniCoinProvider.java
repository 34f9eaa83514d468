package dev.perennial.continual.vqa;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the generated {@link MiniCoin} benchmark under the name {@code mini-coin}. */
@PluginName("mini-coin")
public final class MiniCoinProvider implements DatasetSourceProvider<MiniCoinConfig> {
    /** Creates the provider; does no work. */
    public MiniCoinProvider() {}

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<MiniCoinConfig> configType() {
        return MiniCoinConfig.class;
    }

    @Override
    public MiniCoinConfig defaultConfig() {
        return MiniCoinConfig.defaults();
    }

    @Override
    public String description() {
        return "Generated continual instruction benchmark (rendered shapes, digits, positions; CoIN-style tasks"
                + " with their scorers); needs no download.";
    }

    @Override
    public DatasetSource create(MiniCoinConfig config, PluginContext context) {
        return new MiniCoin(config);
    }
}
