package dev.perennial.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/**
 * What HF {@code CLIPVisionModel(..., output_hidden_states=True)} returns.
 *
 * @param lastHiddenState the output of the last encoder layer, (B, 1 + N, D)
 * @param pooledOutput {@code post_layernorm(lastHiddenState[:, 0])}, (B, D)
 * @param hiddenStates L + 1 entries: index 0 is {@code pre_layrnorm(embeddings)}, index i the output of layer i − 1
 */
public record ClipVisionOutput(NDArray lastHiddenState, NDArray pooledOutput, List<NDArray> hiddenStates) {

    /**
     * LLaVA's image features: the hidden state of {@code layer} (negative counts from the end, LLaVA-1.5 uses −2),
     * without the class token when {@code patchesOnly} ({@code mm_vision_select_feature = "patch"}).
     *
     * @param layer index into {@link #hiddenStates()}, Python style
     * @param patchesOnly drop the class token
     * @return (B, N, D) or (B, 1 + N, D)
     */
    public NDArray selectFeature(int layer, boolean patchesOnly) {
        int n = hiddenStates.size();
        int index = layer < 0 ? n + layer : layer;
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException(
                    "CLIP hidden state " + layer + " requested (mm_vision_select_layer); valid: " + (-n) + ".." + (n - 1));
        }
        NDArray h = hiddenStates.get(index);
        return patchesOnly ? h.get(new NDIndex(":, 1:, :")) : h;
    }
}
