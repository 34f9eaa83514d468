package dev.perennial.benchmarks.deepfake;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code synthetic-forgery-protocol} data set. */
@PluginName("synthetic-forgery-protocol")
public final class SyntheticForgeryProtocolProvider
        implements DatasetSourceProvider<SyntheticForgeryProtocolConfig> {
    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<SyntheticForgeryProtocolConfig> configType() {
        return SyntheticForgeryProtocolConfig.class;
    }

    @Override
    public SyntheticForgeryProtocolConfig defaultConfig() {
        return SyntheticForgeryProtocolConfig.defaults();
    }

    @Override
    public String description() {
        return "Rendered forgeries in DF40 families (FS face swaps with source/target faces; FR warps; EFS noise, "
                + "upsampling, blur) cut by DF40's protocol P1 trained on FS; evaluates on the held-out families.";
    }

    @Override
    public DatasetSource create(SyntheticForgeryProtocolConfig config, PluginContext context) {
        return new SyntheticForgeryProtocol(config);
    }
}
