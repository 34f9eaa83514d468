package dev.perennial.deepfake.diffusionfake;

import ai.djl.ndarray.types.DataType;
import dev.perennial.models.diffusion.AutoencoderKL;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.DistillerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The factory of {@code diffusionfake}: loads the frozen generator and autoencoder and builds the head. */
@PluginName("diffusionfake")
public final class DiffusionFakeProvider extends AbstractPluginProvider<DiffusionFakeConfig, Distiller>
        implements DistillerProvider<DiffusionFakeConfig> {
    /** Creates the provider. */
    public DiffusionFakeProvider() {
        super(SpiVersion.CURRENT, VERSION, DiffusionFakeConfig.class, DiffusionFakeConfig::defaults,
                "DiffusionFake: a frozen latent-diffusion UNet reconstructs each forgery's source and target from the "
                + "detector's features (training only; nothing is added to the exported detector).");
    }

    /** The plugin's version. */
    public static final String VERSION = "0.1.0";

    @Override
    public Distiller create(DiffusionFakeConfig config, PluginContext context) {
        if (config.unet().isBlank() || config.vae().isBlank()) {
            throw new IllegalArgumentException("diffusionfake: config fields 'unet' and 'vae' must name the frozen "
                    + "generator's diffusers unet/ and vae/ directories");
        }
        try {
            UNet2DConditionModel unet = Diffusers.loadUnet(Path.of(config.unet()), context.manager());
            AutoencoderKL vae = Diffusers.loadVae(Path.of(config.vae()), context.manager());
            NoiseSchedule schedule = new NoiseSchedule(config.timesteps(), config.betaStart(), config.betaEnd(),
                    config.betaSchedule().equals("linear") ? NoiseSchedule.BetaSchedule.LINEAR
                            : NoiseSchedule.BetaSchedule.SCALED_LINEAR);
            DiffusionFakeHead head = new DiffusionFakeHead(unet, schedule, config.featureChannels(),
                    config.upsamplings(), config.filterChannels(), config.heads(),
                    config.weightChannels(), config.weightHidden(), config.latentSize());
            head.initialize(context.manager(), DataType.FLOAT32);
            return new DiffusionFakeDistiller(config, head, vae, context.seed());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
