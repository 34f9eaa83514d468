package dev.perennial.slerpface.faces;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code generated-faces} data set. */
@PluginName("generated-faces")
public final class GeneratedFacesProvider extends AbstractPluginProvider<GeneratedFacesConfig, DatasetSource>
        implements DatasetSourceProvider<GeneratedFacesConfig> {
    /** Creates the provider. */
    public GeneratedFacesProvider() {
        super(SpiVersion.CURRENT, "1.0.0", GeneratedFacesConfig.class, GeneratedFacesConfig::defaults,
                "Faces rendered from identity parameters with pose, lighting, expression and noise (no download).");
    }

    @Override
    public DatasetSource create(GeneratedFacesConfig config, PluginContext context) {
        return new GeneratedFaces(config);
    }
}
