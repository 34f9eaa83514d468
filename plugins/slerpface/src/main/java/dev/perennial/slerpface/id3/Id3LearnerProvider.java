package dev.perennial.slerpface.id3;

import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/** The factory of the {@code id3} learner (ID³'s identity-conditioned denoiser with the ID-preserving loss). */
@PluginName("id3")
public final class Id3LearnerProvider extends AbstractPluginProvider<Id3LearnerConfig, Learner>
        implements LearnerProvider<Id3LearnerConfig> {
    /** Creates the provider. */
    public Id3LearnerProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Id3LearnerConfig.class, Id3LearnerConfig::defaults,
                "ID3: identity-conditioned diffusion (identity embedding of a frozen slerpface-grouping recogniser +"
                + " attributes) trained with the ID-preserving loss; exports a denoiser file for id3-synthetic.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    /**
     * Reads the recogniser, sizes the denoiser from the scenario's {@code image} (and {@code attributes}) shapes
     * and initialises it from the plugin's seed.
     *
     * @throws IllegalArgumentException when the recogniser is not named or missing, or the scenario lacks a feature
     */
    @Override
    public Learner create(Id3LearnerConfig config, PluginContext context) {
        if (config.recogniser() == null || config.recogniser().isBlank()) {
            throw new IllegalArgumentException("id3: field 'recogniser' is required: the path of a slerpface-grouping "
                    + "checkpoint (a run's checkpoints/<tag>/model.safetensors)");
        }
        ScenarioInfo scenario = context.scenario().orElseThrow(() -> new IllegalArgumentException(
                "id3: needs a scenario (image shape and classes); create it inside a run"));
        long[] image = scenario.featureShapes().get("image");
        if (image == null) {
            throw new IllegalArgumentException("id3: the scenario has no 'image' feature; it has "
                    + scenario.featureShapes().keySet());
        }
        int attributeDim = 0;
        if (config.useAttributes()) {
            long[] a = scenario.featureShapes().get("attributes");
            if (a == null || a.length != 1) {
                throw new IllegalArgumentException("id3: useAttributes is true but the scenario has no 1-d "
                        + "'attributes' feature (it has " + scenario.featureShapes().keySet() + "); use the "
                        + "generated-faces-attributed data set or set useAttributes false");
            }
            attributeDim = (int) a[0];
        }
        SlerpFaceLearnerConfig recogniser = new SlerpFaceLearnerConfig(config.recogniserLayers(),
                config.recogniserWidth(), config.recogniserCifarStem(), config.recogniserGroupSize(), 16, 0.2, false);
        RecogniserEmbedder embedder;
        try {
            embedder = RecogniserEmbedder.load(Path.of(config.recogniser()), recogniser, (int) image[1],
                    context.manager());
        } catch (IOException e) {
            throw new UncheckedIOException("id3: cannot read the recogniser " + config.recogniser() + ": "
                    + e.getMessage(), e);
        }
        context.manager().getEngine().setRandomSeed((int) context.seed());
        return new Id3Learner(config, image, attributeDim, scenario.classCount(), embedder, context.manager(),
                context.seed(), context.workDirectory().resolve(config.exportFile()));
    }
}
