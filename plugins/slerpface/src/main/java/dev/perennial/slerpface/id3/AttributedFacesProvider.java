package dev.perennial.slerpface.id3;

import dev.perennial.slerpface.faces.GeneratedFacesConfig;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** The factory of the {@code generated-faces-attributed} data set. */
@PluginName("generated-faces-attributed")
public final class AttributedFacesProvider extends AbstractPluginProvider<GeneratedFacesConfig, DatasetSource>
        implements DatasetSourceProvider<GeneratedFacesConfig> {
    /** Creates the provider. */
    public AttributedFacesProvider() {
        super(SpiVersion.CURRENT, "1.0.0", GeneratedFacesConfig.class, GeneratedFacesConfig::defaults,
                "generated-faces with each image's ground-truth pose, lighting and expression as 'attributes' (ID3).");
    }

    @Override
    public DatasetSource create(GeneratedFacesConfig config, PluginContext context) {
        return new AttributedFaces(config);
    }
}
