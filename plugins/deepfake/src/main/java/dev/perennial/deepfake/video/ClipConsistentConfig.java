package dev.perennial.deepfake.video;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code clip-consistent}: StA's frame transforms applied with one random draw per clip
 * (specs/deepfake.md §B.2 defaults: flip 0.5, brightness and contrast ±0.1).
 *
 * @param clipInput the batch input holding clips
 * @param frameInput the name frames are handed to the per-image transform under
 * @param flipProbability chance of a horizontal flip
 * @param brightness maximum brightness shift
 * @param contrast maximum relative contrast change
 */
public record ClipConsistentConfig(
        @ConfigDoc("Batch input with the clips, float32 B x T x C x H x W in [0, 1]; default 'clip'.") String clipInput,
        @ConfigDoc("Input name under which each frame is transformed; default 'image'.") String frameInput,
        @ConfigDoc("Probability in [0, 1] of a horizontal flip of the whole clip; default 0.5.") double flipProbability,
        @ConfigDoc("Maximum brightness shift, in [0, 1]; default 0.1.") double brightness,
        @ConfigDoc("Maximum relative contrast change, in [0, 1]; default 0.1.") double contrast) {

    /** Validates every field. */
    public ClipConsistentConfig {
        if (clipInput == null || clipInput.isBlank() || frameInput == null || frameInput.isBlank()) {
            throw new IllegalArgumentException("clip-consistent config fields 'clipInput' and 'frameInput' must name "
                    + "batch inputs");
        }
        check(flipProbability, "flipProbability");
        check(brightness, "brightness");
        check(contrast, "contrast");
    }

    private static void check(double v, String field) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("clip-consistent config field '" + field + "' must be in [0, 1]; was "
                    + v);
        }
    }

    /**
     * The defaults.
     *
     * @return clip 'clip', frames as 'image', flip 0.5, brightness 0.1, contrast 0.1
     */
    public static ClipConsistentConfig defaults() {
        return new ClipConsistentConfig("clip", "image", 0.5, 0.1, 0.1);
    }
}
