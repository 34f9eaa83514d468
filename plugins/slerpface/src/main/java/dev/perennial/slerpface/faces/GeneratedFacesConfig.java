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
 * @param unseenTestIdentities 0: the test split holds further images of the training identities (closed set); U &gt; 0:
 *     it holds {@code testImages} images of each of U identities that are in no training split (the verification
 *     identities of {@link GeneratedFaces#verificationImage}), labelled 0..U−1 within the split (not the training
 *     identities of those labels): the open-set verification data of the {@code slerpface-*} protection metrics
 */
public record GeneratedFacesConfig(
        @ConfigDoc("Training identities (classes). Range: 2..100000. Default 100.") int identities,
        @ConfigDoc("Training images per identity. Range: 1..10000. Default 20.") int trainImages,
        @ConfigDoc("Test images per identity (the same identities). Range: 1..10000. Default 5.") int testImages,
        @ConfigDoc("Image side in pixels. Range: 16..1024. Default 32.") int size,
        @ConfigDoc("Seed of identities and nuisance. Default 7.") long seed,
        @ConfigDoc("0 (default): the test split is further images of the training identities. U > 0: it is testImages"
                + " images of each of U identities that no training image shows, labelled 0..U-1 within the split"
                + " (open-set verification data for the slerpface-* protection metrics). Range: 0..identities.")
        int unseenTestIdentities) {

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
        if (unseenTestIdentities < 0 || unseenTestIdentities > identities) {
            throw new IllegalArgumentException("generated-faces: unseenTestIdentities must be in 0..identities ("
                    + identities + "; the labels must be classes of the scenario), was " + unseenTestIdentities);
        }
        if (size < 16 || size > 1024) {
            throw new IllegalArgumentException("generated-faces: size must be in 16..1024, was " + size);
        }
    }

    /**
     * A closed-set configuration (no unseen test identities).
     *
     * @param identities training identities
     * @param trainImages training images per identity
     * @param testImages test images per identity
     * @param size image side
     * @param seed the seed
     */
    public GeneratedFacesConfig(int identities, int trainImages, int testImages, int size, long seed) {
        this(identities, trainImages, testImages, size, seed, 0);
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
