package dev.perennial.slerpface.id3;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The factory of the {@code id3-synthetic} data set. */
@PluginName("id3-synthetic")
public final class Id3SyntheticProvider implements DatasetSourceProvider<Id3SyntheticConfig> {

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<Id3SyntheticConfig> configType() {
        return Id3SyntheticConfig.class;
    }

    @Override
    public Id3SyntheticConfig defaultConfig() {
        return Id3SyntheticConfig.defaults();
    }

    @Override
    public String description() {
        return "ID3 synthetic faces: N well-separated identity anchors x M attribute draws, sampled from an id3"
                + " denoiser file with the ID-preserving sampler.";
    }

    @Override
    public DatasetSource create(Id3SyntheticConfig config, PluginContext context) {
        try {
            return Id3Synthetic.generate(config, context.manager());
        } catch (IOException e) {
            throw new UncheckedIOException("id3-synthetic: " + e.getMessage(), e);
        }
    }
}
