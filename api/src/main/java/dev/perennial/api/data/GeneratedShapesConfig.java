package dev.perennial.api.data;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code generated-shapes} data set.
 *
 * @param seed the seed every image is derived from
 * @param classes the number of classes
 * @param channels 1 (grey) or 3 (colour)
 * @param size the image height and width in pixels
 * @param trainPerClass training examples per class
 * @param testPerClass test examples per class
 * @param noise the standard deviation of the per-pixel Gaussian noise
 */
public record GeneratedShapesConfig(
        @ConfigDoc("Seed of the generator; the same seed gives the same images. Default 0.")
        long seed,
        @ConfigDoc("Number of classes, 2 to " + GeneratedShapes.MAX_CLASSES + " (disk, ring, square, triangle, "
                + "plus, horizontal stripes, vertical stripes, X, checkerboard, L). Default 10.")
        int classes,
        @ConfigDoc("Channels: 1 (grey shapes on a grey background) or 3 (random colours). Default 1.")
        int channels,
        @ConfigDoc("Image height and width in pixels, 16 to 128 (e.g. 28 like MNIST, 32 like CIFAR). Default 28.")
        int size,
        @ConfigDoc("Training examples per class, 1 to 100000. Default 500.")
        int trainPerClass,
        @ConfigDoc("Test examples per class, 1 to 100000. Default 100.")
        int testPerClass,
        @ConfigDoc("Standard deviation of the Gaussian pixel noise, 0 to 0.5 (pixels are clipped to [0, 1]). "
                + "Default 0.1.")
        double noise) {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public GeneratedShapesConfig {
        if (classes < 2 || classes > GeneratedShapes.MAX_CLASSES) {
            throw new IllegalArgumentException("generated-shapes: 'classes' must be in [2, "
                    + GeneratedShapes.MAX_CLASSES + "], was " + classes);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("generated-shapes: 'channels' must be 1 or 3, was " + channels);
        }
        if (size < 16 || size > 128) {
            throw new IllegalArgumentException("generated-shapes: 'size' must be in [16, 128], was " + size);
        }
        if (trainPerClass < 1 || trainPerClass > 100_000) {
            throw new IllegalArgumentException("generated-shapes: 'trainPerClass' must be in [1, 100000], was "
                    + trainPerClass);
        }
        if (testPerClass < 1 || testPerClass > 100_000) {
            throw new IllegalArgumentException("generated-shapes: 'testPerClass' must be in [1, 100000], was "
                    + testPerClass);
        }
        if (!(noise >= 0 && noise <= 0.5)) {
            throw new IllegalArgumentException("generated-shapes: 'noise' must be in [0, 0.5], was " + noise);
        }
    }

    /**
     * Ten grey 28×28 classes, 500 training and 100 test images each, seed 0.
     *
     * @return the defaults
     */
    public static GeneratedShapesConfig defaults() {
        return new GeneratedShapesConfig(0, 10, 1, 28, 500, 100, 0.1);
    }
}
