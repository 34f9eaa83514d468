package dev.perennial.deepfake.synthetic;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code synthetic-swaps} data set.
 *
 * @param size image side (H = W)
 * @param trainVideos target identities of the training split
 * @param testVideos target identities of the evaluation split (disjoint: rendered from another seed)
 * @param framesPerVideo frames per identity
 * @param fakeFraction fraction of face swaps
 * @param minStrength smallest blend strength of a swap
 * @param seed the rendering seed
 */
public record SyntheticSwapsConfig(
        @ConfigDoc("Image side in pixels, >= 16; default 16.") int size,
        @ConfigDoc("Target identities in the training split; default 16.") int trainVideos,
        @ConfigDoc("Target identities in the evaluation split; default 8.") int testVideos,
        @ConfigDoc("Frames per identity; default 4.") int framesPerVideo,
        @ConfigDoc("Fraction of frames that are face swaps, in [0, 1]; default 0.5.") double fakeFraction,
        @ConfigDoc("Smallest blend strength of a swap, in [0, 1); default 0.5.") double minStrength,
        @ConfigDoc("Rendering seed; default 1.") long seed) {

    /** Validates. */
    public SyntheticSwapsConfig {
        if (size < 16 || trainVideos < 1 || testVideos < 1 || framesPerVideo < 1) {
            throw new IllegalArgumentException("synthetic-swaps: size >= 16 and trainVideos, testVideos, "
                    + "framesPerVideo >= 1 expected; got " + size + ", " + trainVideos + ", " + testVideos + ", "
                    + framesPerVideo);
        }
        if (!(fakeFraction >= 0 && fakeFraction <= 1) || !(minStrength >= 0 && minStrength < 1)) {
            throw new IllegalArgumentException("synthetic-swaps: fakeFraction in [0, 1] and minStrength in [0, 1) "
                    + "expected; got " + fakeFraction + ", " + minStrength);
        }
    }

    /** @return the defaults */
    public static SyntheticSwapsConfig defaults() {
        return new SyntheticSwapsConfig(16, 16, 8, 4, 0.5, 0.5, 1);
    }
}
