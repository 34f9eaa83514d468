package dev.perennial.slerpface;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Protector;
import dev.perennial.spi.ProtectorProvider;
import dev.perennial.spi.SpiVersion;

/** The factory the registry discovers for the {@code slerpface} protector. */
@PluginName("slerpface")
public final class SlerpFaceProvider extends AbstractPluginProvider<SlerpFaceConfig, Protector>
        implements ProtectorProvider<SlerpFaceConfig> {
    /** Creates the provider. */
    public SlerpFaceProvider() {
        super(SpiVersion.CURRENT, VERSION, SlerpFaceConfig.class, SlerpFaceConfig::defaults,
                "SlerpFace template protection: group-wise slerp toward a per-user Gaussian key and"
                + " recognition-favoured group-wise dropout (AAAI 2025; official TFace code behaviour).");
    }

    /** The plugin's own version. */
    public static final String VERSION = "1.0.0";

    @Override
    public Protector create(SlerpFaceConfig config, PluginContext context) {
        return new SlerpProtector(config);
    }
}
