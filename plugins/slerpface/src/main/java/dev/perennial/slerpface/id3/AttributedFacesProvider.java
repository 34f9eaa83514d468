package dev.perennial.slerpface.id3;

import dev.perennial.slerpface.faces.GeneratedFacesConfig;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code generated-faces-attributed} data set. */
@PluginName("generated-faces-attributed")
public final class AttributedFacesProvider implements DatasetSourceProvider<GeneratedFacesConfig> {

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
        return "generated-faces with each image's ground-truth pose, lighting and expression as 'attributes' (ID3).";
    }

    @Override
    public DatasetSource create(GeneratedFacesConfig config, PluginContext context) {
        return new AttributedFaces(config);
    }
}
