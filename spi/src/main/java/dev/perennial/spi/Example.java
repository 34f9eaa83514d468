package dev.perennial.spi;

import java.util.Map;
import java.util.OptionalInt;

/**
 * One decoded example: its id, its label (for class-labelled data), named tensors and named texts.
 *
 * @param id a stable id within its data set, used by samplers and curricula
 * @param label the class id, or empty for unlabelled / instruction data
 * @param features named tensors, e.g. {@code image} (C×H×W, float32 in [0, 1]) or {@code mask} (1×H×W)
 * @param texts named texts, e.g. {@code question} and {@code answer}
 */
public record Example(long id, OptionalInt label, Map<String, Feature> features, Map<String, String> texts) {
    /** Copies the maps. */
    public Example {
        features = Map.copyOf(features);
        texts = Map.copyOf(texts);
    }

    /**
     * A labelled example with one image.
     *
     * @param id the id
     * @param label the class id
     * @param image the image, C×H×W
     * @return the example
     */
    public static Example labelledImage(long id, int label, Feature.Floats image) {
        return new Example(id, OptionalInt.of(label), Map.of("image", image), Map.of());
    }
}
