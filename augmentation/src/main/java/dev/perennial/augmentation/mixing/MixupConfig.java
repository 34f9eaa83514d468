package dev.perennial.augmentation.mixing;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code mixup}: x̃ = λ·x_i + (1 − λ)·x_j, ỹ = λ·y_i + (1 − λ)·y_j, λ ~ Beta(α, α)
 * (Zhang et al., "mixup: Beyond Empirical Risk Minimization", ICLR 2018, eq. 1).
 *
 * @param alpha the Beta shape α
 * @param probability the chance that a batch is mixed at all
 * @param perSampleLambda one λ per sample instead of one per batch
 * @param imageInput the batch input to mix
 */
public record MixupConfig(
        @ConfigDoc("Beta(alpha, alpha) shape of the mixing weight; > 0 and <= 100. Default 1.0, the official "
                + "code's CIFAR setting (the paper uses 0.1 to 0.4 on ImageNet).") double alpha,
        @ConfigDoc("Probability in [0, 1] that a batch is mixed; default 1.0 (always, as in the paper).")
                double probability,
        @ConfigDoc("Draw one weight per sample (true) or one per batch as in the official code (false, default).")
                boolean perSampleLambda,
        @ConfigDoc("Name of the batch input holding the images, float32 B×C×H×W; default 'image'.")
                String imageInput) {

    /** Validates every field. */
    public MixupConfig {
        if (!(alpha > 0 && alpha <= 100)) {
            throw new IllegalArgumentException("mixup config field 'alpha' must be in (0, 100]; was " + alpha);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("mixup config field 'probability' must be in [0, 1]; was "
                    + probability);
        }
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException("mixup config field 'imageInput' must name a batch input, e.g. 'image'");
        }
    }

    /**
     * The defaults.
     *
     * @return α = 1, always applied, one λ per batch, input {@code image}
     */
    public static MixupConfig defaults() {
        return new MixupConfig(1.0, 1.0, false, "image");
    }
}
