package dev.perennial.augmentation.mixing;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code cutmix} (Yun et al., "CutMix: Regularization Strategy to Train Strong Classifiers
 * with Localizable Features", ICCV 2019, eq. 1–2): a box of area fraction 1 − λ, λ ~ Beta(α, α), is cut from
 * a partner image and pasted; the label weight is the kept area.
 *
 * @param alpha the Beta shape α
 * @param probability the chance that a batch is mixed
 * @param imageInput the batch input to mix
 */
public record CutmixConfig(
        @ConfigDoc("Beta(alpha, alpha) shape of the kept-area fraction; > 0 and <= 100. Default 1.0 (paper and "
                + "official code, '--beta 1.0').") double alpha,
        @ConfigDoc("Probability in [0, 1] that a batch is mixed; default 0.5, the official code's CIFAR command "
                + "('--cutmix_prob 0.5'; its ImageNet command uses 1.0).") double probability,
        @ConfigDoc("Name of the batch input holding the images, float32 B×C×H×W; default 'image'.")
                String imageInput) {

    /** Validates every field. */
    public CutmixConfig {
        if (!(alpha > 0 && alpha <= 100)) {
            throw new IllegalArgumentException("cutmix config field 'alpha' must be in (0, 100]; was " + alpha);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("cutmix config field 'probability' must be in [0, 1]; was "
                    + probability);
        }
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException(
                    "cutmix config field 'imageInput' must name a batch input, e.g. 'image'");
        }
    }

    /**
     * The defaults.
     *
     * @return α = 1, probability 0.5, input {@code image}
     */
    public static CutmixConfig defaults() {
        return new CutmixConfig(1.0, 0.5, "image");
    }
}
