package dev.perennial.api.data;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@link GeneratedShapes} data set under the name {@code generated-shapes}. */
@PluginName("generated-shapes")
public final class GeneratedShapesProvider extends AbstractPluginProvider<GeneratedShapesConfig, DatasetSource>
        implements DatasetSourceProvider<GeneratedShapesConfig> {
    /** Creates the provider. */
    public GeneratedShapesProvider() {
        super(SpiVersion.CURRENT, "0.1.0", GeneratedShapesConfig.class, GeneratedShapesConfig::defaults,
                "Generates a labelled data set of shapes and textures from a seed; needs no download.");
    }

    @Override
    public DatasetSource create(GeneratedShapesConfig config, PluginContext context) {
        return new GeneratedShapes(config);
    }
}
