package dev.perennial.api.data;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Configuration of the {@code idx} data set (MNIST and Fashion-MNIST files).
 *
 * @param folder the folder holding the four IDX files
 * @param trainImages the training images file name
 * @param trainLabels the training labels file name
 * @param testImages the test images file name
 * @param testLabels the test labels file name
 * @param classNames the class names, or empty for the default
 * @param limitPerClass the most examples read per class and split, or 0 for all
 */
public record IdxConfig(
        @ConfigDoc("Folder with the IDX files. Default /usr/share/datasets/fashion-mnist (Debian package "
                + "dataset-fashion-mnist).")
        String folder,
        @ConfigDoc("Training images file in the folder (IDX3, unsigned bytes, gzipped or not). "
                + "Default train-images-idx3-ubyte.gz.")
        String trainImages,
        @ConfigDoc("Training labels file in the folder (IDX1, unsigned bytes). Default train-labels-idx1-ubyte.gz.")
        String trainLabels,
        @ConfigDoc("Test images file in the folder. Default t10k-images-idx3-ubyte.gz.")
        String testImages,
        @ConfigDoc("Test labels file in the folder. Default t10k-labels-idx1-ubyte.gz.")
        String testLabels,
        @ConfigDoc("Class names indexed by label; empty means Fashion-MNIST's ten names when the folder name "
                + "contains 'fashion', else the label numbers \"0\", \"1\", ...")
        List<String> classNames,
        @ConfigDoc("Read at most this many examples per class in each split (the first ones in file order); "
                + "0 reads all. Default 0.")
        int limitPerClass) {

    /** The Debian package's folder. */
    public static final String FASHION_MNIST_FOLDER = "/usr/share/datasets/fashion-mnist";

    /** Fashion-MNIST's class names, indexed by label (Xiao et al., 2017). */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /**
     * Fills missing names with the defaults and validates.
     *
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public IdxConfig {
        folder = orDefault(folder, FASHION_MNIST_FOLDER);
        trainImages = orDefault(trainImages, "train-images-idx3-ubyte.gz");
        trainLabels = orDefault(trainLabels, "train-labels-idx1-ubyte.gz");
        testImages = orDefault(testImages, "t10k-images-idx3-ubyte.gz");
        testLabels = orDefault(testLabels, "t10k-labels-idx1-ubyte.gz");
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        for (String name : classNames) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("idx: 'classNames' must not contain blank names");
            }
        }
        if (classNames.stream().distinct().count() != classNames.size()) {
            throw new IllegalArgumentException("idx: 'classNames' must be distinct, were " + classNames);
        }
        if (limitPerClass < 0) {
            throw new IllegalArgumentException("idx: 'limitPerClass' must be >= 0 (0 = all), was " + limitPerClass);
        }
    }

    /**
     * Fashion-MNIST from the Debian package, every example.
     *
     * @return the defaults
     */
    public static IdxConfig defaults() {
        return new IdxConfig(null, null, null, null, null, List.of(), 0);
    }

    /**
     * The standard file names in a folder.
     *
     * @param folder the folder
     * @param limitPerClass the most examples per class and split, or 0 for all
     * @return the configuration
     */
    public static IdxConfig of(String folder, int limitPerClass) {
        return new IdxConfig(folder, null, null, null, null, List.of(), limitPerClass);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
