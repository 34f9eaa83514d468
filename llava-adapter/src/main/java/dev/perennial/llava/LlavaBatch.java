package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Optional;

/**
 * Token sequences with image placeholders and the images they refer to, before the image tokens are expanded.
 *
 * <p>Each image in {@code inputIds}, one {@link LlavaConfig#imageTokenIndex()} or a run of {@code image_seq_length}
 * = {@link LlavaConfig#imageFeatureTokens()} of them (the expanded form of llava-hf processors, see
 * {@link LlavaModel#imagePlaces}), consumes the next image of {@code pixelValues}, in sample order; the model
 * replaces it by that many image features.
 *
 * @param inputIds one id sequence per sample (different lengths allowed)
 * @param labels for training: per sample, the target id at each position or {@link #IGNORE_INDEX}, same lengths as
 *     {@code inputIds}; empty for inference
 * @param pixelValues the preprocessed images, (N, 3, H, W), if any sample has an image token
 */
public record LlavaBatch(List<long[]> inputIds, Optional<List<long[]>> labels, Optional<NDArray> pixelValues) {
    /** The label of positions the loss ignores (torch's {@code ignore_index}, LLaVA's {@code IGNORE_INDEX}). */
    public static final long IGNORE_INDEX = -100;

    /** Validates the shapes that Java can see. */
    public LlavaBatch {
        inputIds = List.copyOf(inputIds);
        if (inputIds.isEmpty()) {
            throw new IllegalArgumentException("llava batch: no samples");
        }
        for (int i = 0; i < inputIds.size(); i++) {
            if (inputIds.get(i).length == 0) {
                throw new IllegalArgumentException("llava batch: sample " + i + " has no tokens");
            }
        }
        if (labels.isPresent()) {
            List<long[]> l = List.copyOf(labels.get());
            if (l.size() != inputIds.size()) {
                throw new IllegalArgumentException("llava batch: " + l.size() + " label sequences for "
                        + inputIds.size() + " samples");
            }
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i).length != inputIds.get(i).length) {
                    throw new IllegalArgumentException("llava batch: sample " + i + " has " + inputIds.get(i).length
                            + " ids but " + l.get(i).length + " labels");
                }
            }
            labels = Optional.of(l);
        }
    }

    /** @return the number of samples */
    public int size() {
        return inputIds.size();
    }
}
