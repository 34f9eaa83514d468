package dev.perennial.deepfake.synthetic;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code synthetic-swaps} data set. */
@PluginName("synthetic-swaps")
public final class SyntheticSwapsProvider extends AbstractPluginProvider<SyntheticSwapsConfig, DatasetSource>
        implements DatasetSourceProvider<SyntheticSwapsConfig> {
    /** Creates the provider. */
    public SyntheticSwapsProvider() {
        super(SpiVersion.CURRENT, "0.1.0", SyntheticSwapsConfig.class, SyntheticSwapsConfig::defaults,
                "Rendered face swaps (real / fake) with each frame's source and target faces as extra inputs "
                + "'source' and 'target' (for diffusionfake); nothing is downloaded.");
    }

    @Override
    public DatasetSource create(SyntheticSwapsConfig config, PluginContext context) {
        return new SyntheticSwaps(config);
    }
}
