package dev.perennial.benchmarks.safe;

import dev.perennial.spi.ConfigDoc;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Configuration of the {@code decoded-image-set} data set.
 *
 * @param path the image-folder archive or folder ({@code train/<class>/...}, {@code test/<class>/...})
 * @param trainPerClass training images kept per class (the first ones in file-name order), 0 for all
 * @param testPerClass test images kept per class, 0 for all
 * @param classOrder the folder-order class ids in the order they become classes 0, 1, …; empty keeps the folder
 *     order
 */
public record DecodedImageSetConfig(
        @ConfigDoc("Image-folder .zip or folder with train/<class>/*.jpg and test/<class>/...") String path,
        @ConfigDoc("Training images per class (the first in file-name order), >= 0; 0 keeps all. Default 0.")
        int trainPerClass,
        @ConfigDoc("Test images per class, >= 0; 0 keeps all. Default 0.") int testPerClass,
        @ConfigDoc("A permutation of the class ids in sorted-folder order: entry k becomes class k (e.g. SAFE's "
                + "numpy seed-1993 CIFAR-100 order); empty keeps the folder order. Default empty.")
        List<Integer> classOrder) {

    /** Validates every field; messages name it and what is accepted. */
    public DecodedImageSetConfig {
        path = path == null ? "" : path;
        classOrder = classOrder == null ? List.of() : List.copyOf(classOrder);
        if (trainPerClass < 0 || testPerClass < 0) {
            throw new IllegalArgumentException("decoded-image-set: 'trainPerClass' and 'testPerClass' must be >= 0 "
                    + "(0 = all), were " + trainPerClass + " and " + testPerClass);
        }
        Set<Integer> seen = new HashSet<>();
        for (Integer c : classOrder) {
            if (c == null || c < 0 || c >= classOrder.size() || !seen.add(c)) {
                throw new IllegalArgumentException("decoded-image-set: 'classOrder' must be a permutation of 0.."
                        + (classOrder.size() - 1) + "; entry " + c + " is out of range or repeated");
            }
        }
    }

    /** @return no path, every image, folder order */
    public static DecodedImageSetConfig defaults() {
        return new DecodedImageSetConfig("", 0, 0, List.of());
    }
}
