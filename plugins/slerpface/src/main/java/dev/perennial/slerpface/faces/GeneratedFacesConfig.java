package dev.perennial.slerpface.faces;

import dev.perennial.spi.ConfigDoc;

/**
 * The configuration of the {@code generated-faces} data set.
 *
 * @param identities training identities (class ids 0..identities−1)
 * @param trainImages images per identity in the training split
 * @param testImages further images per identity in the test split (same identities: closed-set accuracy)
 * @param size image side in pixels
 * @param seed the seed of the identities and the nuisance
 */
public record GeneratedFacesConfig(
        @ConfigDoc("Training identities (classes). Range: 2..100000. Default 100.") int identities,
        @ConfigDoc("Training images per identity. Range: 1..10000. Default 20.") int trainImages,
        @ConfigDoc("Test images per identity (the same identities). Range: 1..10000. Default 5.") int testImages,
        @ConfigDoc("Image side in pixels. Range: 16..1024. Default 32.") int size,
        @ConfigDoc("Seed of identities and nuisance. Default 7.") long seed) {

    /** Validates the sizes. */
    public GeneratedFacesConfig {
        if (identities < 2 || identities > 100_000) {
            throw new IllegalArgumentException("generated-faces: identities must be in 2..100000, was " + identities);
        }
        if (trainImages < 1 || trainImages > 10_000 || testImages < 1 || testImages > 10_000) {
            throw new IllegalArgumentException("generated-faces: trainImages and testImages must be in 1..10000, were "
                    + trainImages + ", " + testImages);
        }
        if ((long) identities * (trainImages + testImages) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("generated-faces: identities * (trainImages + testImages) must fit an"
                    + " int");
        }
        if (size < 16 || size > 1024) {
            throw new IllegalArgumentException("generated-faces: size must be in 16..1024, was " + size);
        }
    }

    /**
     * 100 identities × (20 + 5) images of 32 × 32, seed 7.
     *
     * @return the defaults
     */
    public static GeneratedFacesConfig defaults() {
        return new GeneratedFacesConfig(100, 20, 5, 32, 7);
    }
}
