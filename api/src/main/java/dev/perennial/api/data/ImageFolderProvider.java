package dev.perennial.api.data;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/** Provides the {@link ImageFolder} data set under the name {@code image-folder}. */
@PluginName("image-folder")
public final class ImageFolderProvider implements DatasetSourceProvider<ImageFolderConfig> {
    /** Creates the provider; does no work. */
    public ImageFolderProvider() {}

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<ImageFolderConfig> configType() {
        return ImageFolderConfig.class;
    }

    @Override
    public ImageFolderConfig defaultConfig() {
        return ImageFolderConfig.defaults();
    }

    @Override
    public String description() {
        return "Reads labelled JPEG/PNG images in the ImageFolder layout (train/<class>/, test/<class>/) from a folder or a zip.";
    }

    @Override
    public DatasetSource create(ImageFolderConfig config, PluginContext context) {
        return ImageFolder.open(config);
    }
}
