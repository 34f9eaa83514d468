package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * A batch after the image tokens were expanded and replaced by projected image features, padded to one length.
 *
 * @param inputsEmbeds (B, L, D) decoder inputs; padded positions are zero vectors
 * @param attentionMask (B, L) int64, 1 for real positions and 0 for padding
 * @param labels (B, L) int64 targets aligned with the inputs (not yet shifted), {@link LlavaBatch#IGNORE_INDEX} at
 *     prompt, image and padding positions; present when the batch had labels
 * @param lengths the unpadded length of each sequence
 */
public record MultimodalSequences(
        NDArray inputsEmbeds, NDArray attentionMask, Optional<NDArray> labels, int[] lengths) {}
