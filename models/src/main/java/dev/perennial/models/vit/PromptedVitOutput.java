package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The result of {@link VisionTransformer#forwardPrompted}.
 *
 * @param tokens the final tokens after {@code norm}, (B, P + 1 + N, D): the P prepended prompt tokens first, then
 *     the class token and the patches
 * @param promptCount P
 */
public record PromptedVitOutput(NDArray tokens, int promptCount) {
    /** @return the class-token feature, (B, D) */
    public NDArray classToken() {
        return tokens.get(new NDIndex(":, {}, :", promptCount));
    }

    /**
     * L2P's "prompt" classifier input: the mean of the outputs at the prompt positions (prompts.md §2.1).
     *
     * @return (B, D)
     */
    public NDArray promptMean() {
        if (promptCount == 0) {
            throw new IllegalStateException("no prompts were prepended; the prompt-position mean is undefined");
        }
        return tokens.get(new NDIndex(":, :{}, :", promptCount)).mean(new int[] {1});
    }
}
