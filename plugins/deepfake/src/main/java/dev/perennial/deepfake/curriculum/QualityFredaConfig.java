package dev.perennial.deepfake.curriculum;

import dev.perennial.augmentation.freda.FredaConfig;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code quality-freda}, the FreDA step of QCF applied to exactly the fakes the
 * {@code quality-curriculum} sampler rated low-quality (specs/deepfake.md §A.1.2). The FreDA fields mean what they
 * mean for the {@code freda} augmenter; their defaults are the SDK's (UNVERIFIED in the spec).
 *
 * @param board the hand-off board name, the same as the sampler's
 * @param radius the low-frequency mask radius as a fraction of min(H, W)
 * @param maskShape {@code circle} or {@code square}
 * @param transform {@code engine-fft} or {@code dft-matmul}
 * @param mixing {@code complex} or {@code amplitude}
 * @param pairedInput the batch input holding each fake's corresponding real frame
 * @param imageInput the batch input holding the images
 * @param clip clip the mix to [0, 1]
 */
public record QualityFredaConfig(
        @ConfigDoc("Name of the hand-off board, the same as the quality-curriculum sampler's; default 'quality'.")
        String board,
        @ConfigDoc("Low-frequency mask radius as a fraction of min(H, W), in [0, 1]; default 0.1 (UNVERIFIED).")
        double radius,
        @ConfigDoc("'circle' (default, UNVERIFIED) or 'square'.") String maskShape,
        @ConfigDoc("'engine-fft' (default) or 'dft-matmul'.") String transform,
        @ConfigDoc("'complex' (default; the spec's formula) or 'amplitude'.") String mixing,
        @ConfigDoc("Batch input with each sample's corresponding real frame (same shape as the images); default "
                + "'real'.") String pairedInput,
        @ConfigDoc("Batch input with the images, float32 in [0, 1], B x C x H x W (or B x T x C x H x W for clips: "
                + "the mix runs over the last two axes); default 'image'.") String imageInput,
        @ConfigDoc("Clip the mix to [0, 1]; default true.") boolean clip) {

    /** Validates every field (the FreDA fields through FreDA's own checks). */
    public QualityFredaConfig {
        if (board == null || board.isBlank()) {
            throw new IllegalArgumentException("config field 'board' must be a non-empty name, e.g. 'quality'");
        }
        freda(radius, maskShape, transform, mixing, pairedInput, imageInput, clip);
    }

    private static FredaConfig freda(double radius, String maskShape, String transform, String mixing,
                                     String pairedInput, String imageInput, boolean clip) {
        return new FredaConfig(radius, maskShape, transform, mixing, 1.0, 1, pairedInput, "", imageInput, clip);
    }

    /**
     * The equivalent FreDA configuration (probability 1: the curriculum decides who is mixed).
     *
     * @return the FreDA config
     */
    public FredaConfig fredaConfig() {
        return freda(radius, maskShape, transform, mixing, pairedInput, imageInput, clip);
    }

    /**
     * The defaults.
     *
     * @return board 'quality', radius 0.1, circle, engine FFT, complex mixing, inputs 'real' and 'image', clipped
     */
    public static QualityFredaConfig defaults() {
        return new QualityFredaConfig("quality", 0.1, "circle", "engine-fft", "complex", "real", "image", true);
    }
}
