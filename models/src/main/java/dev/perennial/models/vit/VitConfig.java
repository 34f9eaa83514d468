package dev.perennial.models.vit;

import dev.perennial.models.pet.AdapterConfig;
import dev.perennial.models.pet.PromptConfig;
import java.util.Optional;

/**
 * The shape of a timm {@code VisionTransformer} (Dosovitskiy et al. 2021) and the PET modules built into it.
 *
 * <p>Defaults follow timm: LayerNorm eps 1e-6, qkv bias, MLP ratio 4, class-token pooling, no dropout.
 *
 * @param imageSize input height and width in pixels
 * @param patchSize patch height and width (any size that divides {@code imageSize})
 * @param inChannels image channels
 * @param embedDim token width D
 * @param depth number of blocks
 * @param numHeads attention heads (must divide D)
 * @param mlpRatio MLP hidden width / D
 * @param qkvBias whether the qkv projection has a bias
 * @param numClasses classes of the {@code head} layer; 0 for no head (features only)
 * @param layerNormEps LayerNorm epsilon
 * @param adapter an AdaptFormer adapter parallel to every MLP ({@code blocks.N.adaptmlp}), if any
 * @param ssf whether SSF scale/shift pairs follow the operations listed in safe.md §3.1
 * @param prompts visual prompts (VPT), if any
 */
public record VitConfig(
        int imageSize,
        int patchSize,
        int inChannels,
        int embedDim,
        int depth,
        int numHeads,
        double mlpRatio,
        boolean qkvBias,
        int numClasses,
        float layerNormEps,
        Optional<AdapterConfig> adapter,
        boolean ssf,
        Optional<PromptConfig> prompts) {

    /** Validates the fields; every message names the field and what is accepted. */
    public VitConfig {
        require(imageSize > 0, "vit.imageSize must be positive, got " + imageSize);
        require(patchSize > 0, "vit.patchSize must be positive, got " + patchSize);
        require(imageSize % patchSize == 0,
                "vit.imageSize (" + imageSize + ") must be a multiple of vit.patchSize (" + patchSize + ")");
        require(inChannels > 0, "vit.inChannels must be positive, got " + inChannels);
        require(embedDim > 0 && numHeads > 0 && embedDim % numHeads == 0,
                "vit.embedDim (" + embedDim + ") must be a positive multiple of vit.numHeads (" + numHeads + ")");
        require(depth > 0, "vit.depth must be positive, got " + depth);
        require(mlpRatio > 0 && (int) (embedDim * mlpRatio) > 0, "vit.mlpRatio must be positive, got " + mlpRatio);
        require(numClasses >= 0, "vit.numClasses must be >= 0 (0 = no head), got " + numClasses);
        require(layerNormEps > 0, "vit.layerNormEps must be positive, got " + layerNormEps);
        require(adapter != null && prompts != null, "vit.adapter and vit.prompts must be Optional, not null");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * A plain timm-style ViT.
     *
     * @param imageSize input size
     * @param patchSize patch size
     * @param embedDim D
     * @param depth blocks
     * @param numHeads heads
     * @param numClasses head classes (0 = none)
     * @return the config
     */
    public static VitConfig of(int imageSize, int patchSize, int embedDim, int depth, int numHeads, int numClasses) {
        return new VitConfig(imageSize, patchSize, 3, embedDim, depth, numHeads, 4.0, true, numClasses, 1e-6f,
                Optional.empty(), false, Optional.empty());
    }

    /**
     * ViT-Ti (timm {@code vit_tiny_patch16_224} for patch 16, size 224): D 192, 12 blocks, 3 heads.
     *
     * @param imageSize input size
     * @param patchSize patch size
     * @param numClasses head classes (0 = none)
     * @return the config
     */
    public static VitConfig tiny(int imageSize, int patchSize, int numClasses) {
        return of(imageSize, patchSize, 192, 12, 3, numClasses);
    }

    /**
     * ViT-S (timm {@code vit_small_patch16_224}): D 384, 12 blocks, 6 heads.
     *
     * @param imageSize input size
     * @param patchSize patch size
     * @param numClasses head classes (0 = none)
     * @return the config
     */
    public static VitConfig small(int imageSize, int patchSize, int numClasses) {
        return of(imageSize, patchSize, 384, 12, 6, numClasses);
    }

    /**
     * ViT-B (timm {@code vit_base_patch16_224}): D 768, 12 blocks, 12 heads.
     *
     * @param imageSize input size
     * @param patchSize patch size
     * @param numClasses head classes (0 = none)
     * @return the config
     */
    public static VitConfig base(int imageSize, int patchSize, int numClasses) {
        return of(imageSize, patchSize, 768, 12, 12, numClasses);
    }

    /** @return patches per side */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** @return patch tokens (grid²) */
    public int numPatches() {
        return gridSize() * gridSize();
    }

    /** @return MLP hidden width, ⌊D · mlpRatio⌋ as timm */
    public int mlpHidden() {
        return (int) (embedDim * mlpRatio);
    }

    /**
     * @param newAdapter the adapter settings
     * @return a copy with an AdaptFormer adapter in every block
     */
    public VitConfig withAdapter(AdapterConfig newAdapter) {
        return new VitConfig(imageSize, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio, qkvBias,
                numClasses, layerNormEps, Optional.of(newAdapter), ssf, prompts);
    }

    /**
     * @param enabled whether SSF is on
     * @return a copy with SSF switched
     */
    public VitConfig withSsf(boolean enabled) {
        return new VitConfig(imageSize, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio, qkvBias,
                numClasses, layerNormEps, adapter, enabled, prompts);
    }

    /**
     * @param newPrompts the VPT settings
     * @return a copy with visual prompts
     */
    public VitConfig withPrompts(PromptConfig newPrompts) {
        return new VitConfig(imageSize, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio, qkvBias,
                numClasses, layerNormEps, adapter, ssf, Optional.of(newPrompts));
    }

    /**
     * @param classes head classes (0 = none)
     * @return a copy with another head size
     */
    public VitConfig withNumClasses(int classes) {
        return new VitConfig(imageSize, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio, qkvBias,
                classes, layerNormEps, adapter, ssf, prompts);
    }

    /**
     * @param size new input size (the position embedding then needs {@link PositionEmbeddingResampler})
     * @return a copy for another image size
     */
    public VitConfig withImageSize(int size) {
        return new VitConfig(size, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio, qkvBias,
                numClasses, layerNormEps, adapter, ssf, prompts);
    }
}
