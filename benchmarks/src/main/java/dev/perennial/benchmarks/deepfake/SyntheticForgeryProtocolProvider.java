package dev.perennial.benchmarks.deepfake;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code synthetic-forgery-protocol} data set. */
@PluginName("synthetic-forgery-protocol")
public final class SyntheticForgeryProtocolProvider
        extends AbstractPluginProvider<SyntheticForgeryProtocolConfig, DatasetSource>
        implements DatasetSourceProvider<SyntheticForgeryProtocolConfig> {
    /** Creates the provider. */
    public SyntheticForgeryProtocolProvider() {
        super(SpiVersion.CURRENT, "0.1.0", SyntheticForgeryProtocolConfig.class,
                SyntheticForgeryProtocolConfig::defaults,
                "Rendered forgeries in DF40 families (FS face swaps with source/target faces; FR warps; EFS noise, "
                + "upsampling, blur) cut by DF40's protocol P1 trained on FS; evaluates on the held-out families.");
    }

    @Override
    public DatasetSource create(SyntheticForgeryProtocolConfig config, PluginContext context) {
        return new SyntheticForgeryProtocol(config);
    }
}
