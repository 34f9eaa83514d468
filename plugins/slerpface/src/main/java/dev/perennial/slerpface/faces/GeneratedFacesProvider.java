package dev.perennial.slerpface.faces;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code generated-faces} data set. */
@PluginName("generated-faces")
public final class GeneratedFacesProvider implements DatasetSourceProvider<GeneratedFacesConfig> {

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<GeneratedFacesConfig> configType() {
        return GeneratedFacesConfig.class;
    }

    @Override
    public GeneratedFacesConfig defaultConfig() {
        return GeneratedFacesConfig.defaults();
    }

    @Override
    public String description() {
        return "Faces rendered from identity parameters with pose, lighting, expression and noise (no download).";
    }

    @Override
    public DatasetSource create(GeneratedFacesConfig config, PluginContext context) {
        return new GeneratedFaces(config);
    }
}
