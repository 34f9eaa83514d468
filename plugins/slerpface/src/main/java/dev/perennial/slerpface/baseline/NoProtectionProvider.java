package dev.perennial.slerpface.baseline;

import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Protector;
import dev.perennial.spi.ProtectorProvider;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code none} (unprotected) baseline protector. */
@PluginName("none")
public final class NoProtectionProvider implements ProtectorProvider<NoProtectionConfig> {

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<NoProtectionConfig> configType() {
        return NoProtectionConfig.class;
    }

    @Override
    public NoProtectionConfig defaultConfig() {
        return new NoProtectionConfig();
    }

    @Override
    public String description() {
        return "No protection: raw templates and cosine similarity (the baseline to compare protectors with).";
    }

    @Override
    public Protector create(NoProtectionConfig config, PluginContext context) {
        return new NoProtection();
    }
}
