package dev.perennial.api.data;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@link ImageFolder} data set under the name {@code image-folder}. */
@PluginName("image-folder")
public final class ImageFolderProvider extends AbstractPluginProvider<ImageFolderConfig, DatasetSource>
        implements DatasetSourceProvider<ImageFolderConfig> {
    /** Creates the provider. */
    public ImageFolderProvider() {
        super(SpiVersion.CURRENT, "0.1.0", ImageFolderConfig.class, ImageFolderConfig::defaults,
                "Reads labelled JPEG/PNG images in the ImageFolder layout (train/<class>/, test/<class>/) from a"
                + " folder or a zip.");
    }

    @Override
    public DatasetSource create(ImageFolderConfig config, PluginContext context) {
        return ImageFolder.open(config);
    }
}
