package dev.perennial.benchmarks.slerpface;

/**
 * The shape and training schedule of a {@link TemplateImageDecoder}.
 *
 * @param templateLength values per input template (e.g. {@code m·d} raw features, or a protected template's length)
 * @param imageSize side of the square RGB output image; {@code 4·2^k} with k ≥ 1 (8, 16, 32, 64, …)
 * @param channels channels of the first 4×4 feature map; halved by every up-sampling stage but the last, at least
 *     {@code 2^(k−1)} so that every stage keeps one channel
 * @param epochs passes over the attacker's pairs
 * @param batchSize pairs per step
 * @param learningRate Adam's learning rate
 */
public record DecoderConfig(int templateLength, int imageSize, int channels, int epochs, int batchSize,
                            double learningRate) {

    /** The side of the first feature map, doubled by every transposed convolution. */
    static final int START_SIDE = 4;

    /** Validates every field, naming what is accepted. */
    public DecoderConfig {
        if (templateLength < 1) {
            throw new IllegalArgumentException("decoder: templateLength must be >= 1, was " + templateLength);
        }
        if (imageSize < 2 * START_SIDE || imageSize % START_SIDE != 0
                || Integer.bitCount(imageSize / START_SIDE) != 1) {
            throw new IllegalArgumentException("decoder: imageSize must be 4 * 2^k with k >= 1 (8, 16, 32, 64, ...),"
                    + " was " + imageSize);
        }
        int stages = Integer.numberOfTrailingZeros(imageSize / START_SIDE);
        if (channels < (1 << (stages - 1)) || channels > 4096) {
            throw new IllegalArgumentException("decoder: channels must be in " + (1 << (stages - 1))
                    + "..4096 for a " + imageSize + " px image (halved " + (stages - 1) + " times), was " + channels);
        }
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("decoder: epochs and batchSize must be >= 1, were " + epochs + ", "
                    + batchSize);
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("decoder: learningRate must be in (0, 1), was " + learningRate);
        }
    }

    /**
     * Up-sampling stages: {@code log2(imageSize / 4)}.
     *
     * @return the number of transposed convolutions
     */
    public int stages() {
        return Integer.numberOfTrailingZeros(imageSize / START_SIDE);
    }

    /**
     * The same decoder for inputs of another length.
     *
     * @param length the template length
     * @return the configuration
     */
    public DecoderConfig withTemplateLength(int length) {
        return new DecoderConfig(length, imageSize, channels, epochs, batchSize, learningRate);
    }
}
