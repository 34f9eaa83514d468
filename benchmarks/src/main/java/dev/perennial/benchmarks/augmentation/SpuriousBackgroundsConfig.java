package dev.perennial.benchmarks.augmentation;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code spurious-backgrounds} data set.
 *
 * @param seed seed of the object placement and background draws
 * @param trainPerClass training images per class
 * @param testPerGroup test images per (class, background class) group
 * @param correlation fraction of a class's training images on its own background class
 * @param fashionMnistFolder the Fashion-MNIST IDX folder
 * @param cifar10Zip the CIFAR-10 ImageFolder zip
 */
public record SpuriousBackgroundsConfig(
        @ConfigDoc("Seed of object placement and background draws; default 0.") long seed,
        @ConfigDoc("Training images per class, 1 to 5000; default 500.") int trainPerClass,
        @ConfigDoc("Test images per (class, background class) group, 1 to 100 (10 x 10 groups); default 20.")
                int testPerGroup,
        @ConfigDoc("Fraction in [0, 1] of a class's training images whose background comes from the matching "
                + "CIFAR-10 class (class k on background class k); the rest get a uniformly drawn other class. "
                + "Default 0.95.") double correlation,
        @ConfigDoc("Folder with Fashion-MNIST's gzipped IDX files; default /usr/share/datasets/fashion-mnist "
                + "(Debian package dataset-fashion-mnist).") String fashionMnistFolder,
        @ConfigDoc("CIFAR-10 zip in ImageFolder layout (cifar10/train/<class>/*.jpg, cifar10/test/...); default "
                + "../shared/data/cifar10.zip, relative to the working directory.") String cifar10Zip) {

    /** Validates every field. */
    public SpuriousBackgroundsConfig {
        if (trainPerClass < 1 || trainPerClass > 5000) {
            throw new IllegalArgumentException("spurious-backgrounds: 'trainPerClass' must be in [1, 5000] (CIFAR-10 "
                    + "has 5000 training images per class); was " + trainPerClass);
        }
        if (testPerGroup < 1 || testPerGroup > 100) {
            throw new IllegalArgumentException("spurious-backgrounds: 'testPerGroup' must be in [1, 100] (10 groups "
                    + "per class share 1000 test images); was " + testPerGroup);
        }
        if (!(correlation >= 0 && correlation <= 1)) {
            throw new IllegalArgumentException("spurious-backgrounds: 'correlation' must be in [0, 1]; was "
                    + correlation);
        }
        if (fashionMnistFolder == null || fashionMnistFolder.isBlank() || cifar10Zip == null || cifar10Zip.isBlank()) {
            throw new IllegalArgumentException("spurious-backgrounds: 'fashionMnistFolder' and 'cifar10Zip' must "
                    + "name the data (defaults /usr/share/datasets/fashion-mnist and ../shared/data/cifar10.zip)");
        }
    }

    /**
     * The defaults.
     *
     * @return 500 per class, 20 per test group, correlation 0.95, the standard data locations
     */
    public static SpuriousBackgroundsConfig defaults() {
        return new SpuriousBackgroundsConfig(0, 500, 20, 0.95, "/usr/share/datasets/fashion-mnist",
                "../shared/data/cifar10.zip");
    }
}
