package dev.perennial.slerpface.baseline;

import dev.perennial.spi.ConfigDoc;

/**
 * The configuration of the {@code random-projection} protector (BioHashing-style).
 *
 * @param inputLength values of the template it protects
 * @param outputLength rows of the per-user projection, at most {@code inputLength} (orthonormal rows)
 * @param binarize true for BioHashing (sign of each projection, Hamming-type score); false for a plain random
 *     orthonormal projection matched by cosine
 */
public record RandomProjectionConfig(
        @ConfigDoc("Template length the projection accepts. Range: 1..65536. Default 784 (49 groups x 16).")
        int inputLength,
        @ConfigDoc("Projected length, <= inputLength (the rows are orthonormalised). Default 784.")
        int outputLength,
        @ConfigDoc("true: BioHashing bits (sign of the projection); false: real-valued projection. Default true.")
        boolean binarize) {

    /** Validates the lengths. */
    public RandomProjectionConfig {
        if (inputLength < 1 || inputLength > 65536) {
            throw new IllegalArgumentException("random-projection: inputLength must be in 1..65536, was "
                    + inputLength);
        }
        if (outputLength < 1 || outputLength > inputLength) {
            throw new IllegalArgumentException("random-projection: outputLength must be in 1..inputLength ("
                    + inputLength + "), was " + outputLength);
        }
    }

    /**
     * BioHashing on 784-value templates with 784 bits.
     *
     * @return the defaults
     */
    public static RandomProjectionConfig defaults() {
        return new RandomProjectionConfig(784, 784, true);
    }
}
