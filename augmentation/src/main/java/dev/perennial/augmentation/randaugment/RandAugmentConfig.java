package dev.perennial.augmentation.randaugment;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code randaugment}.
 *
 * @param numOps N, operations applied to each image
 * @param magnitude M, the shared magnitude on the scale 0 .. magnitudeBins − 1
 * @param magnitudeBins the number of magnitude levels
 * @param imageInput the batch input to transform
 */
public record RandAugmentConfig(
        @ConfigDoc("N: operations drawn (uniformly, with repetition) and applied to each image; 0 to 10, "
                + "default 2 (torchvision).") int numOps,
        @ConfigDoc("M: magnitude of every operation, 0 to magnitudeBins - 1; default 9 (torchvision).")
                int magnitude,
        @ConfigDoc("Number of magnitude levels; 2 to 1000, default 31 (torchvision), i.e. the paper's 0..30 "
                + "scale.") int magnitudeBins,
        @ConfigDoc("Name of the batch input holding the images, float32 B×C×H×W in [0, 1]; default 'image'.")
                String imageInput) {

    /** Validates every field. */
    public RandAugmentConfig {
        if (numOps < 0 || numOps > 10) {
            throw new IllegalArgumentException("randaugment config field 'numOps' must be in [0, 10]; was " + numOps);
        }
        if (magnitudeBins < 2 || magnitudeBins > 1000) {
            throw new IllegalArgumentException("randaugment config field 'magnitudeBins' must be in [2, 1000]; was "
                    + magnitudeBins);
        }
        if (magnitude < 0 || magnitude >= magnitudeBins) {
            throw new IllegalArgumentException("randaugment config field 'magnitude' must be in [0, "
                    + (magnitudeBins - 1) + "] (magnitudeBins - 1); was " + magnitude);
        }
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException(
                    "randaugment config field 'imageInput' must name a batch input, e.g. 'image'");
        }
    }

    /**
     * The defaults.
     *
     * @return N = 2, M = 9 of 31 levels, input {@code image}
     */
    public static RandAugmentConfig defaults() {
        return new RandAugmentConfig(2, 9, 31, "image");
    }
}
