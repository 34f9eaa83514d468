package dev.perennial.deepfake.diffusionfake;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Configuration of the {@code diffusionfake} distiller (specs/deepfake.md Part D).
 *
 * @param unet the frozen generator's diffusers {@code unet/} directory
 * @param vae the frozen autoencoder's diffusers {@code vae/} directory
 * @param featureOutput the learner output holding the detector's feature map (B, C, h, w)
 * @param imageInput the batch input with the detector's images
 * @param sourceInput the batch input with each sample's source face (reals: the image itself)
 * @param targetInput the batch input with each sample's target face (reals: the image itself)
 * @param featureChannels the detector feature map's channels
 * @param latentSize the generator latent's side
 * @param upsamplings transposed convolutions from the feature map to the latent resolution
 * @param filterChannels the feature filter's output channels
 * @param heads the feature filter's attention heads
 * @param weightChannels the weight module's convolution widths
 * @param weightHidden the weight module's hidden width
 * @param timesteps the generator's training steps (the timestep is drawn uniformly below it)
 * @param betaStart β_0 of the generator's schedule
 * @param betaEnd β_{T−1}
 * @param betaSchedule {@code linear} or {@code scaled_linear}
 * @param reconstructionWeight weight of each reconstruction term
 * @param weightRegressionWeight weight of each weight-regression term
 */
public record DiffusionFakeConfig(
        @ConfigDoc("Diffusers unet/ directory of the frozen generator (config.json + "
                + "diffusion_pytorch_model.safetensors); required.") String unet,
        @ConfigDoc("Diffusers vae/ directory of the frozen autoencoder; required.") String vae,
        @ConfigDoc("Learner output with the detector's feature map (B, C, h, w); default 'feature_map'.")
        String featureOutput,
        @ConfigDoc("Batch input with the detector's images in [-1, 1]; default 'image'.") String imageInput,
        @ConfigDoc("Batch input with each sample's source face in [-1, 1]; default 'source'.") String sourceInput,
        @ConfigDoc("Batch input with each sample's target face in [-1, 1]; default 'target'.") String targetInput,
        @ConfigDoc("Channels of the detector's feature map; default 1792 (spec: EfficientNet-B4).") int featureChannels,
        @ConfigDoc("Side of the generator's latent; default 32 (spec: 256 px images, VAE factor 8).") int latentSize,
        @ConfigDoc("Transposed convolutions from the feature map to the latent side; default 2 (spec: 8 -> 32).")
        int upsamplings,
        @ConfigDoc("Feature filter output channels; default 320 (spec).") int filterChannels,
        @ConfigDoc("Feature filter attention heads; default 4 (spec).") int heads,
        @ConfigDoc("Weight module convolution widths; default [1024, 512, 256] (spec).") List<Integer> weightChannels,
        @ConfigDoc("Weight module hidden width; default 128 (spec).") int weightHidden,
        @ConfigDoc("Generator training steps; default 1000 (spec).") int timesteps,
        @ConfigDoc("Schedule beta_start; default 0.00085 (spec).") double betaStart,
        @ConfigDoc("Schedule beta_end; default 0.012 (spec).") double betaEnd,
        @ConfigDoc("'scaled_linear' (default: latent diffusion's 'linear', spec) or 'linear'.") String betaSchedule,
        @ConfigDoc("Weight of each reconstruction term; default 1 (spec).") double reconstructionWeight,
        @ConfigDoc("Weight of each weight-regression term; default 1 (spec).") double weightRegressionWeight) {

    /** Validates. */
    public DiffusionFakeConfig {
        weightChannels = weightChannels == null ? null : List.copyOf(weightChannels);
        if (unet == null || vae == null || featureOutput == null || imageInput == null || sourceInput == null
                || targetInput == null || weightChannels == null || betaSchedule == null) {
            throw new IllegalArgumentException("diffusionfake: unet, vae, featureOutput, imageInput, sourceInput, "
                    + "targetInput, weightChannels and betaSchedule must be given");
        }
        if (featureChannels < 1 || latentSize < 1 || upsamplings < 0 || filterChannels < 1 || heads < 1
                || weightChannels.isEmpty() || weightHidden < 1
                || timesteps < 2 || reconstructionWeight < 0 || weightRegressionWeight < 0) {
            throw new IllegalArgumentException("diffusionfake: upsamplings >= 0; featureChannels, latentSize, "
                    + "filterChannels, heads, weightHidden positive; weightChannels non-empty; timesteps >= 2; "
                    + "weights >= 0");
        }
        if (!betaSchedule.equals("linear") && !betaSchedule.equals("scaled_linear")) {
            throw new IllegalArgumentException("diffusionfake: config field 'betaSchedule' is '" + betaSchedule
                    + "'; accepted: linear, scaled_linear");
        }
    }

    /** @return the spec's defaults; {@code unet} and {@code vae} are empty and must be set */
    public static DiffusionFakeConfig defaults() {
        return new DiffusionFakeConfig("", "", "feature_map", "image", "source", "target", 1792, 32, 2, 320, 4,
                List.of(1024, 512, 256), 128, 1000, 0.00085, 0.012, "scaled_linear", 1.0, 1.0);
    }
}
