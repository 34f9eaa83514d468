package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Prefix-tuning of one ViT block (Li and Liang 2021; DualPrompt §3.3, prompts.md §1.2): tokens concatenated to the
 * keys and values of the block's self-attention, after the {@code qkv} projection, in front of the sequence's own
 * keys and values. Queries and the output length are unchanged.
 *
 * @param keys (B, L_k, D), split over the heads like the projected keys
 * @param values (B, L_v, D)
 */
public record VitPrefix(NDArray keys, NDArray values) {
    /** Checks the shapes. */
    public VitPrefix {
        Shape k = keys.getShape();
        Shape v = values.getShape();
        if (k.dimension() != 3 || v.dimension() != 3 || k.get(0) != v.get(0) || k.get(2) != v.get(2)) {
            throw new IllegalArgumentException("prefix keys and values must be (B, L, D) with equal B and D; got keys "
                    + k + ", values " + v);
        }
    }
}
