package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Optional;

/**
 * Everything a ViT forward pass produces.
 *
 * @param tokens the final tokens after {@code norm} (and the final SSF pair), (B, 1 + N, D); prompt tokens removed
 * @param pooled the class-token feature {@code tokens[:, 0]}, (B, D): timm's {@code forward_head(pre_logits=True)}
 *     for class-token pooling, the feature SAFE uses
 * @param logits {@code head(pooled)}, (B, classes), when the model has a head
 * @param hiddenStates index 0: the embeddings entering block 0 (class token + patches + pos_embed, no prompts);
 *     index i ≥ 1: the output of block i − 1, before the final norm. With VPT-Shallow these carry the prompt tokens
 *     (1 + N + p tokens); with VPT-Deep the prompts are already removed (1 + N)
 */
public record VitOutput(NDArray tokens, NDArray pooled, Optional<NDArray> logits, List<NDArray> hiddenStates) {

    /**
     * The class token of a hidden state: a feature from any layer.
     *
     * @param layer 0 for the embeddings, i for the output of block i − 1
     * @return (B, D)
     */
    public NDArray classToken(int layer) {
        if (layer < 0 || layer >= hiddenStates.size()) {
            throw new IndexOutOfBoundsException(
                    "ViT hidden state " + layer + " requested; valid layers are 0.." + (hiddenStates.size() - 1));
        }
        return hiddenStates.get(layer).get(":, 0, :");
    }
}
