package dev.perennial.slerpface.id3;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * The configuration of the {@code id3} learner. The paper publishes no defaults (spec deepfake.md E.3): every value
 * below is ours, sized for 16×16 / 32×32 generated faces on a CPU.
 *
 * @param recogniser the frozen face recogniser: a {@code slerpface-grouping} checkpoint file
 * @param recogniserLayers its ResNet stage depths
 * @param recogniserWidth its base width
 * @param recogniserCifarStem whether it has the CIFAR stem
 * @param recogniserGroupSize its group size d
 * @param blockOutChannels UNet channels per level
 * @param heads attention heads
 * @param crossAttentionDim conditioning token width
 * @param identityTokens tokens y is projected to
 * @param useAttributes whether the denoiser is conditioned on the {@code attributes} input
 * @param trainSteps T
 * @param betaStart β_0
 * @param betaEnd β_{T−1}
 * @param reconstructionWeight λ₁
 * @param identityWeight λ₂
 * @param kappa κ
 * @param clipDenoised clip x̂₀ to [−1, 1] in the loss
 * @param conditionDropout the probability of training a sample with the null condition
 * @param exportFile the denoiser file written after every task, relative to the plugin's folder
 */
public record Id3LearnerConfig(
        @ConfigDoc("The frozen recogniser: a slerpface-grouping checkpoint (run checkpoints/<tag>/model.safetensors)."
                + " Required.") String recogniser,
        @ConfigDoc("Recogniser ResNet stage depths (four values). Default [1, 1, 1, 1].") List<Integer> recogniserLayers,
        @ConfigDoc("Recogniser base width. Default 8.") int recogniserWidth,
        @ConfigDoc("Recogniser has the CIFAR stem. Default true.") boolean recogniserCifarStem,
        @ConfigDoc("Recogniser group size d. Default 16.") int recogniserGroupSize,
        @ConfigDoc("UNet channels per level. Default [32, 64].") List<Integer> blockOutChannels,
        @ConfigDoc("Attention heads per level. Default 4.") int heads,
        @ConfigDoc("Conditioning token width D. Default 32.") int crossAttentionDim,
        @ConfigDoc("Tokens the identity embedding is projected to. Default 2.") int identityTokens,
        @ConfigDoc("Condition on the 'attributes' input (false: identity only). Default true.") boolean useAttributes,
        @ConfigDoc("Diffusion steps T. Range 2..1000. Default 100.") int trainSteps,
        @ConfigDoc("Linear beta schedule start. Default 0.001 (DDPM's 1e-4 x 1000/T).") double betaStart,
        @ConfigDoc("Linear beta schedule end. Default 0.2 (DDPM's 0.02 x 1000/T).") double betaEnd,
        @ConfigDoc("lambda1, weight of the one-step reconstruction term. Default 0.1 (ours).")
        double reconstructionWeight,
        @ConfigDoc("lambda2, weight of the identity inner-product term. Default 0.05 (ours).") double identityWeight,
        @ConfigDoc("kappa, the vMF concentration. Default 16 (ours).") double kappa,
        @ConfigDoc("Clip the one-step reconstruction to [-1, 1] in the loss. Default true (ours).")
        boolean clipDenoised,
        @ConfigDoc("Probability of the null condition per sample (classifier-free guidance). Range [0, 1)."
                + " Default 0.1.") double conditionDropout,
        @ConfigDoc("Denoiser file written after every task, in the plugin's folder. Default id3-denoiser.safetensors.")
        String exportFile) {

    /** Validates what the nested records do not. */
    public Id3LearnerConfig {
        if (recogniserLayers == null || recogniserLayers.size() != 4) {
            throw new IllegalArgumentException("id3: recogniserLayers must be four stage depths, was "
                    + recogniserLayers);
        }
        recogniserLayers = List.copyOf(recogniserLayers);
        if (blockOutChannels == null || blockOutChannels.isEmpty()) {
            throw new IllegalArgumentException("id3: blockOutChannels must be a non-empty list, was "
                    + blockOutChannels);
        }
        blockOutChannels = List.copyOf(blockOutChannels);
        if (!(conditionDropout >= 0 && conditionDropout < 1)) {
            throw new IllegalArgumentException("id3: conditionDropout must be in [0, 1), was " + conditionDropout);
        }
        if (exportFile == null || exportFile.isBlank()) {
            throw new IllegalArgumentException("id3: exportFile must name a file");
        }
        new IdPreservingLoss(reconstructionWeight, identityWeight, kappa, clipDenoised);
    }

    /** @return the defaults (no recogniser: a run must name one) */
    public static Id3LearnerConfig defaults() {
        return new Id3LearnerConfig("", List.of(1, 1, 1, 1), 8, true, 16, List.of(32, 64), 4, 32, 2, true, 100,
                0.001, 0.2, 0.1, 0.05, 16, true, 0.1, "id3-denoiser.safetensors");
    }

    /** @return the loss these weights define */
    public IdPreservingLoss loss() {
        return new IdPreservingLoss(reconstructionWeight, identityWeight, kappa, clipDenoised);
    }
}
