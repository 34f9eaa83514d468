package dev.perennial.models.clip;

import dev.perennial.models.nn.ActivationFunction;

/**
 * The fields of a Hugging Face {@code CLIPVisionConfig} that fix the tower's shape (Radford et al. 2021).
 *
 * @param imageSize input height and width
 * @param patchSize patch size (must divide imageSize)
 * @param numChannels image channels
 * @param hiddenSize token width D
 * @param intermediateSize MLP hidden width
 * @param numHiddenLayers encoder layers
 * @param numAttentionHeads heads (must divide D)
 * @param layerNormEps LayerNorm epsilon (HF default 1e-5)
 * @param hiddenAct MLP activation (HF {@code hidden_act}, {@code quick_gelu} for OpenAI CLIP)
 */
public record ClipVisionConfig(
        int imageSize,
        int patchSize,
        int numChannels,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        float layerNormEps,
        ActivationFunction hiddenAct) {

    /** Validates the fields; messages use the HF config keys. */
    public ClipVisionConfig {
        require(imageSize > 0 && patchSize > 0 && imageSize % patchSize == 0,
                "clip: image_size (" + imageSize + ") must be a positive multiple of patch_size (" + patchSize + ")");
        require(numChannels > 0, "clip: num_channels must be positive, got " + numChannels);
        require(hiddenSize > 0 && numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
                "clip: hidden_size (" + hiddenSize + ") must be a positive multiple of num_attention_heads ("
                        + numAttentionHeads + ")");
        require(intermediateSize > 0, "clip: intermediate_size must be positive, got " + intermediateSize);
        require(numHiddenLayers > 0, "clip: num_hidden_layers must be positive, got " + numHiddenLayers);
        require(layerNormEps > 0, "clip: layer_norm_eps must be positive, got " + layerNormEps);
        require(hiddenAct != null, "clip: hidden_act is required (quick_gelu or gelu)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * OpenAI CLIP ViT-L/14 at 336 px, LLaVA-1.5's vision tower ({@code openai/clip-vit-large-patch14-336}).
     *
     * @return the config
     */
    public static ClipVisionConfig vitLarge14At336() {
        return new ClipVisionConfig(336, 14, 3, 1024, 4096, 24, 16, 1e-5f, ActivationFunction.QUICK_GELU);
    }

    /**
     * OpenAI CLIP ViT-B/16 at 224 px ({@code openai/clip-vit-base-patch16}).
     *
     * @return the config
     */
    public static ClipVisionConfig vitBase16() {
        return new ClipVisionConfig(224, 16, 3, 768, 3072, 12, 12, 1e-5f, ActivationFunction.QUICK_GELU);
    }

    /** @return patches per side */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** @return positions: patches + the class token */
    public int numPositions() {
        return gridSize() * gridSize() + 1;
    }
}
