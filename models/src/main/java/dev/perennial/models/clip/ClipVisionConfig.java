package dev.perennial.models.clip;

import dev.perennial.models.io.HfConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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

    /**
     * Reads a Hugging Face CLIP vision {@code config.json} ({@code CLIPVisionModel}), filling absent fields with the
     * defaults of HF's {@code CLIPVisionConfig} (224 px, patch 32, width 768, 12 layers, 12 heads, MLP 3072,
     * LayerNorm ε 1e-5, quick_gelu). A {@code CLIPModel} or LLaVA config is read through its {@code vision_config}.
     *
     * @param path a {@code config.json}, or a directory holding one
     * @return the config
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and field for malformed content
     */
    public static ClipVisionConfig fromHf(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        HfConfig root = HfConfig.read(file);
        try {
            return fromHf(root.has("vision_config") ? root.object("vision_config") : root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the CLIP vision fields of a config object with HF's defaults.
     *
     * @param o the object (a CLIP vision config, or a {@code vision_config})
     * @return the config
     * @throws IllegalArgumentException naming the field for malformed content
     */
    public static ClipVisionConfig fromHf(HfConfig o) {
        return new ClipVisionConfig(
                o.size("image_size", 224),
                o.size("patch_size", 32),
                o.size("num_channels", 3),
                o.size("hidden_size", 768),
                o.size("intermediate_size", 3072),
                o.size("num_hidden_layers", 12),
                o.size("num_attention_heads", 12),
                (float) o.number("layer_norm_eps", 1e-5),
                ActivationFunction.fromHf(o.string("hidden_act", "quick_gelu"), o.field("hidden_act")));
    }

    /**
     * The fields of this config in HF's {@code CLIPVisionConfig} vocabulary, for writers.
     *
     * @return key → value, in a stable order
     */
    public Map<String, Object> toHf() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("image_size", imageSize);
        o.put("patch_size", patchSize);
        o.put("num_channels", numChannels);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("layer_norm_eps", layerNormEps);
        o.put("hidden_act", hiddenAct.name().toLowerCase(Locale.ROOT));
        return o;
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
