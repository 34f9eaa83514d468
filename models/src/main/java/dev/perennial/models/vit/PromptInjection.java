package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Optional;

/**
 * Per-input prompts for {@link VisionTransformer#forwardPrompted}: the prompt-based continual learners (L2P,
 * DualPrompt, CODA-Prompt; prompts.md §1.2) choose them per sample from a query, so they are inputs of the forward
 * pass rather than parameters of the ViT.
 *
 * @param prepended prompt-tuning: (B, P, D) tokens placed before the class token at the input of block 0 (after the
 *     position embedding, which they do not receive); they flow through every block
 * @param prefixes prefix-tuning: block index → the keys and values added to that block's attention
 */
public record PromptInjection(Optional<NDArray> prepended, Map<Integer, VitPrefix> prefixes) {
    /** Copies the map. */
    public PromptInjection {
        prefixes = Map.copyOf(prefixes);
    }

    /**
     * Prompt-tuning only.
     *
     * @param prompts (B, P, D)
     * @return the injection
     */
    public static PromptInjection prepended(NDArray prompts) {
        return new PromptInjection(Optional.of(prompts), Map.of());
    }

    /**
     * Prefix-tuning only.
     *
     * @param prefixes block → prefix
     * @return the injection
     */
    public static PromptInjection prefixes(Map<Integer, VitPrefix> prefixes) {
        return new PromptInjection(Optional.empty(), prefixes);
    }

    /** @return the number of prepended tokens */
    public int prependedCount() {
        return prepended.map(p -> (int) p.getShape().get(1)).orElse(0);
    }
}
