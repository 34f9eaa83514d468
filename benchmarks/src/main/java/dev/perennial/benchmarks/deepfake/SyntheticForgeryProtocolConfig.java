package dev.perennial.benchmarks.deepfake;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code synthetic-forgery-protocol} data set.
 *
 * @param size image side
 * @param trainVideos identities of the training split (face swaps and reals)
 * @param testVideos identities of each family's test set
 * @param framesPerVideo frames per identity
 * @param fakeFraction fraction of fakes in every set
 * @param minStrength smallest blend strength of a forgery
 * @param seed rendering seed (also the seed of the protocol's held-out validation videos)
 * @param evaluateOn the test group the evaluation split holds ({@code FSAll_ff}, {@code FRAll_ff},
 *     {@code EFSAll_ff}), or {@code held-out} for the unseen families together (FR and EFS)
 */
public record SyntheticForgeryProtocolConfig(
        @ConfigDoc("Image side in pixels, >= 16; default 16.") int size,
        @ConfigDoc("Identities of the training split; default 96.") int trainVideos,
        @ConfigDoc("Identities of each family's test set; default 32.") int testVideos,
        @ConfigDoc("Frames per identity; default 4.") int framesPerVideo,
        @ConfigDoc("Fraction of fakes, in (0, 1); default 0.5.") double fakeFraction,
        @ConfigDoc("Smallest blend strength of a forgery, in [0, 1); default 0.5.") double minStrength,
        @ConfigDoc("Rendering seed; default 1.") long seed,
        @ConfigDoc("Evaluation split: 'held-out' (default; the FR and EFS test groups together) or one group: "
                + "FSAll_ff, FRAll_ff, EFSAll_ff.") String evaluateOn) {

    /** Validates. */
    public SyntheticForgeryProtocolConfig {
        if (size < 16 || trainVideos < 2 || testVideos < 1 || framesPerVideo < 1) {
            throw new IllegalArgumentException("synthetic-forgery-protocol: size >= 16, trainVideos >= 2, testVideos"
                    + " and framesPerVideo >= 1 expected; got " + size + ", " + trainVideos + ", " + testVideos
                    + ", " + framesPerVideo);
        }
        if (!(fakeFraction > 0 && fakeFraction < 1) || !(minStrength >= 0 && minStrength < 1)) {
            throw new IllegalArgumentException("synthetic-forgery-protocol: fakeFraction in (0, 1) and minStrength "
                    + "in [0, 1) expected; got " + fakeFraction + ", " + minStrength);
        }
        evaluateOn = evaluateOn == null ? SyntheticForgeryProtocol.HELD_OUT : evaluateOn;
        if (!evaluateOn.equals(SyntheticForgeryProtocol.HELD_OUT)
                && !SyntheticForgeryProtocol.GROUPS.contains(evaluateOn)) {
            throw new IllegalArgumentException("synthetic-forgery-protocol: config field 'evaluateOn' is '"
                    + evaluateOn + "'; accepted: " + SyntheticForgeryProtocol.HELD_OUT + ", "
                    + String.join(", ", SyntheticForgeryProtocol.GROUPS));
        }
    }

    /** @return the defaults */
    public static SyntheticForgeryProtocolConfig defaults() {
        return new SyntheticForgeryProtocolConfig(16, 96, 32, 4, 0.5, 0.5, 1, SyntheticForgeryProtocol.HELD_OUT);
    }
}
