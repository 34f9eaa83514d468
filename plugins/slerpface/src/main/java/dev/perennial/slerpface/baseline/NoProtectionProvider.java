package dev.perennial.slerpface.baseline;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Protector;
import dev.perennial.spi.ProtectorProvider;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code none} (unprotected) baseline protector. */
@PluginName("none")
public final class NoProtectionProvider extends AbstractPluginProvider<NoProtectionConfig, Protector>
        implements ProtectorProvider<NoProtectionConfig> {
    /** Creates the provider. */
    public NoProtectionProvider() {
        super(SpiVersion.CURRENT, "1.0.0", NoProtectionConfig.class, NoProtectionConfig::new,
                "No protection: raw templates and cosine similarity (the baseline to compare protectors with).");
    }

    @Override
    public Protector create(NoProtectionConfig config, PluginContext context) {
        return new NoProtection();
    }
}
