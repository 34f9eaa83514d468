package dev.perennial.continual.vqa;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the generated {@link MiniCoin} benchmark under the name {@code mini-coin}. */
@PluginName("mini-coin")
public final class MiniCoinProvider extends AbstractPluginProvider<MiniCoinConfig, DatasetSource>
        implements DatasetSourceProvider<MiniCoinConfig> {
    /** Creates the provider. */
    public MiniCoinProvider() {
        super(SpiVersion.CURRENT, "1.0.0", MiniCoinConfig.class, MiniCoinConfig::defaults,
                "Generated continual instruction benchmark (rendered shapes, digits, positions; CoIN-style tasks"
                + " with their scorers); needs no download.");
    }

    @Override
    public DatasetSource create(MiniCoinConfig config, PluginContext context) {
        return new MiniCoin(config);
    }
}
