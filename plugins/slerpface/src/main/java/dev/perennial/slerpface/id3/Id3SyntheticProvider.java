package dev.perennial.slerpface.id3;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The factory of the {@code id3-synthetic} data set. */
@PluginName("id3-synthetic")
public final class Id3SyntheticProvider extends AbstractPluginProvider<Id3SyntheticConfig, DatasetSource>
        implements DatasetSourceProvider<Id3SyntheticConfig> {
    /** Creates the provider. */
    public Id3SyntheticProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Id3SyntheticConfig.class, Id3SyntheticConfig::defaults,
                "ID3 synthetic faces: N well-separated identity anchors x M attribute draws, sampled from an id3"
                + " denoiser file with the ID-preserving sampler.");
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
