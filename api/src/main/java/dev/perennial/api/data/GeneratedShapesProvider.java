package dev.perennial.api.data;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@link GeneratedShapes} data set under the name {@code generated-shapes}. */
@PluginName("generated-shapes")
public final class GeneratedShapesProvider implements DatasetSourceProvider<GeneratedShapesConfig> {
    /** Creates the provider; does no work. */
    public GeneratedShapesProvider() {}

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<GeneratedShapesConfig> configType() {
        return GeneratedShapesConfig.class;
    }

    @Override
    public GeneratedShapesConfig defaultConfig() {
        return GeneratedShapesConfig.defaults();
    }

    @Override
    public String description() {
        return "Generates a labelled data set of shapes and textures from a seed; needs no download.";
    }

    @Override
    public DatasetSource create(GeneratedShapesConfig config, PluginContext context) {
        return new GeneratedShapes(config);
    }
}
