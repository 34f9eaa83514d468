package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.CheckpointNaming;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import dev.perennial.models.pet.AdapterConfig;
import dev.perennial.models.pet.PromptConfig;
import dev.perennial.models.vit.PositionEmbeddingResampler;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.ScenarioInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The pre-trained model (PTM) of a PTM-based class-incremental learner: a timm-named ViT, its weights (a
 * safetensors file in timm's names, e.g. {@code vit_base_patch16_224_in21k}, or none for a random PTM) and the
 * parameter-efficient tuning (PET) module the learner trains on top of it (safe.md §3.1).
 *
 * @param checkpoint path of a timm safetensors file or checkpoint directory; empty for random weights
 * @param imageSize input height and width
 * @param patchSize patch size
 * @param embedDim token width D
 * @param depth blocks
 * @param numHeads attention heads
 * @param pet the PET module: adapter, ssf, vpt
 * @param adapterBottleneck AdaptFormer bottleneck width
 * @param adapterScale AdaptFormer output scale s
 * @param adapterDropout AdaptFormer dropout
 * @param promptCount VPT-Deep prompt tokens per block
 * @param nameMap the checkpoint's naming: {@code timm} (default), {@code torchvision} ({@code vit_b_16}) or
 *     {@code hf} ({@code ViTModel}); see {@link CheckpointNaming}
 */
public record PtmBackboneConfig(
        @ConfigDoc("Path of the pre-trained ViT: a timm-named .safetensors file or checkpoint directory. Empty: "
                + "random weights (only for tests).") @JsonProperty("checkpoint") String checkpoint,
        @ConfigDoc("Input height and width in pixels; the data set's images must have this size. Default 224.")
        @JsonProperty("imageSize") int imageSize,
        @ConfigDoc("Patch size (divides imageSize). Default 16.") @JsonProperty("patchSize") int patchSize,
        @ConfigDoc("Token width D. Default 768 (ViT-B).") @JsonProperty("embedDim") int embedDim,
        @ConfigDoc("Transformer blocks. Default 12.") @JsonProperty("depth") int depth,
        @ConfigDoc("Attention heads (divides embedDim). Default 12.") @JsonProperty("numHeads") int numHeads,
        @ConfigDoc("PET module: adapter (AdaptFormer, parallel, SAFE's CIFAR setting), ssf or vpt (VPT-Deep). "
                + "Default adapter.") @JsonProperty("pet") String pet,
        @ConfigDoc("AdaptFormer bottleneck width, >= 1. Default 64.") @JsonProperty("adapterBottleneck")
        int adapterBottleneck,
        @ConfigDoc("AdaptFormer output scale s. Default 0.1.") @JsonProperty("adapterScale") float adapterScale,
        @ConfigDoc("AdaptFormer dropout in [0, 1). Default 0.1.") @JsonProperty("adapterDropout") float adapterDropout,
        @ConfigDoc("VPT-Deep prompt tokens per block, >= 1. Default 5.") @JsonProperty("promptCount") int promptCount,
        @ConfigDoc("Tensor names of the checkpoint: timm (default), torchvision (vit_b_16) or hf (ViTModel, q/k/v "
                + "fused on load).") @JsonProperty("nameMap") String nameMap) {

    /** The PET modules this version builds. */
    public static final List<String> PETS = List.of("adapter", "ssf", "vpt");

    /** Checkpoint tensors a backbone without a classifier never reads (timm's head and in21k pre-logits). */
    private static final List<String> IGNORED = List.of("^head\\.", "^pre_logits\\.");

    /** Validates; messages name the field. */
    public PtmBackboneConfig {
        checkpoint = checkpoint == null ? "" : checkpoint;
        pet = pet == null ? "adapter" : pet;
        if (!PETS.contains(pet)) {
            throw new IllegalArgumentException("backbone.pet '" + pet + "' is not one of " + PETS);
        }
        require(imageSize > 0 && patchSize > 0 && imageSize % patchSize == 0, "backbone.imageSize (" + imageSize
                + ") and backbone.patchSize (" + patchSize + ") must be positive, the size a multiple of the patch");
        require(embedDim > 0 && numHeads > 0 && embedDim % numHeads == 0, "backbone.embedDim (" + embedDim
                + ") must be a positive multiple of backbone.numHeads (" + numHeads + ")");
        require(depth > 0, "backbone.depth must be >= 1, was " + depth);
        require(adapterBottleneck > 0, "backbone.adapterBottleneck must be >= 1, was " + adapterBottleneck);
        require(adapterDropout >= 0 && adapterDropout < 1, "backbone.adapterDropout must be in [0, 1), was "
                + adapterDropout);
        require(Float.isFinite(adapterScale), "backbone.adapterScale must be finite, was " + adapterScale);
        require(promptCount > 0, "backbone.promptCount must be >= 1, was " + promptCount);
        nameMap = nameMap == null || nameMap.isEmpty() ? "timm" : nameMap;
        CheckpointNaming.parse(nameMap, "backbone.nameMap");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * ViT-B/16 at 224 pixels with SAFE's CIFAR adapter (safe.md §3.1, §4), no checkpoint yet.
     *
     * @return the defaults
     */
    public static PtmBackboneConfig defaults() {
        return new PtmBackboneConfig("", 224, 16, 768, 12, 12, "adapter", 64, 0.1f, 0.1f, 5, "timm");
    }

    /**
     * A copy with other architecture numbers.
     *
     * @param newCheckpoint the checkpoint path ("" for random)
     * @param size image size
     * @param patch patch size
     * @param dim D
     * @param blocks depth
     * @param heads heads
     * @return the copy
     */
    public PtmBackboneConfig withArchitecture(String newCheckpoint, int size, int patch, int dim, int blocks,
                                              int heads) {
        return new PtmBackboneConfig(newCheckpoint, size, patch, dim, blocks, heads, pet, adapterBottleneck,
                adapterScale, adapterDropout, promptCount, nameMap);
    }

    /**
     * A copy with another checkpoint naming.
     *
     * @param naming timm, torchvision or hf
     * @return the copy
     */
    public PtmBackboneConfig withNameMap(String naming) {
        return new PtmBackboneConfig(checkpoint, imageSize, patchSize, embedDim, depth, numHeads, pet,
                adapterBottleneck, adapterScale, adapterDropout, promptCount, naming);
    }

    /**
     * A copy with another PET module.
     *
     * @param newPet adapter, ssf or vpt
     * @return the copy
     */
    public PtmBackboneConfig withPet(String newPet) {
        return new PtmBackboneConfig(checkpoint, imageSize, patchSize, embedDim, depth, numHeads, newPet,
                adapterBottleneck, adapterScale, adapterDropout, promptCount, nameMap);
    }

    /**
     * The ViT shape, without a classification head.
     *
     * @param withPet whether the PET module is built in
     * @return the config
     */
    public VitConfig vitConfig(boolean withPet) {
        VitConfig plain = VitConfig.of(imageSize, patchSize, embedDim, depth, numHeads, 0);
        if (!withPet) {
            return plain;
        }
        return switch (pet) {
            case "adapter" -> plain.withAdapter(new AdapterConfig(adapterBottleneck, adapterScale, adapterDropout));
            case "ssf" -> plain.withSsf(true);
            case "vpt" -> plain.withPrompts(PromptConfig.deep(promptCount));
            default -> throw new IllegalStateException("unknown PET " + pet);
        };
    }

    /**
     * The parameter-name patterns of the PET module (the parameters that are absent from the PTM's state dict,
     * safe.md §3.1).
     *
     * @return regular expressions ({@code find} semantics) over timm names
     */
    public String[] petPatterns() {
        return switch (pet) {
            case "adapter" -> new String[] {"(^|\\.)adaptmlp\\."};
            case "ssf" -> new String[] {"ssf_(scale|shift)_"};
            case "vpt" -> new String[] {"^Prompt_Tokens$"};
            default -> throw new IllegalStateException("unknown PET " + pet);
        };
    }

    /**
     * Checks that the scenario's images fit the ViT.
     *
     * @param scenario the scenario
     * @param plugin the learner's name, for the message
     * @return the input shape (1, C, H, W)
     */
    public ai.djl.ndarray.types.Shape inputShape(ScenarioInfo scenario, String plugin) {
        long[] image = scenario.featureShapes().get("image");
        if (image == null || image.length != 3) {
            throw new IllegalArgumentException(plugin + " needs an 'image' feature of shape C×H×W; the data set gives "
                    + scenario.featureShapes().keySet());
        }
        if (image[0] != 3 || image[1] != imageSize || image[2] != imageSize) {
            throw new IllegalArgumentException(plugin + ": the data set's images are " + image[0] + "×" + image[1]
                    + "×" + image[2] + " but backbone.imageSize is " + imageSize + " with 3 channels; resize the"
                    + " images (e.g. image-folder height/width) or set backbone.imageSize");
        }
        return new ai.djl.ndarray.types.Shape(1, 3, imageSize, imageSize);
    }

    /**
     * Loads the checkpoint into an initialized PTM (no PET), strictly: every ViT tensor must be there with its shape,
     * except {@code pos_embed}, which is resampled when the checkpoint was trained on another grid. With no
     * checkpoint the PTM keeps its random weights.
     *
     * @param ptm the initialized plain ViT
     * @param plugin the learner's name, for messages
     */
    public void loadPretrained(VisionTransformer ptm, String plugin) {
        loadPretrained(ptm, plugin, "backbone");
    }

    /**
     * {@link #loadPretrained(VisionTransformer, String)} for a config that sits under another field (e.g.
     * {@code backbone.vit} of a from-scratch learner's {@code ptm-vit} backbone): the messages name that field.
     *
     * @param ptm the initialized plain ViT
     * @param plugin the learner's name, for messages
     * @param field where this config sits in the learner's configuration, e.g. {@code backbone}
     */
    public void loadPretrained(VisionTransformer ptm, String plugin, String field) {
        if (checkpoint.isEmpty()) {
            return;
        }
        Path path = Path.of(checkpoint);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(plugin + ": " + field + ".checkpoint '" + checkpoint + "' does not"
                    + " exist; give a timm-named .safetensors file or checkpoint directory");
        }
        CheckpointNaming naming = CheckpointNaming.parse(nameMap, field + ".nameMap").orElseThrow();
        try (TensorSource source = naming.view(Checkpoints.open(path), CheckpointNaming.Architecture.VIT)) {
            WeightLoader loader = WeightLoader.strict().ignoring("^pos_embed$").allowingMissing("^pos_embed$");
            for (String ignored : IGNORED) {
                loader = loader.ignoring(ignored);
            }
            loader.load(source, ptm);
            if (!source.names().contains("pos_embed")) {
                throw new IllegalArgumentException(plugin + ": " + field + ".checkpoint '" + checkpoint
                        + "' has no pos_embed tensor under " + field + ".nameMap '" + nameMap + "'; is it a ViT with "
                        + "those names (timm, torchvision or hf)?");
            }
            NDArray target = ptm.posEmbed().getArray();
            try (NDManager scope = target.getManager().newSubManager()) {
                ptm.loadPositionEmbedding(source.read("pos_embed", scope), PositionEmbeddingResampler.TIMM_DEFAULT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(plugin + ": cannot read " + field + ".checkpoint '" + checkpoint + "'", e);
        }
    }

    /**
     * Copies every parameter the two models share by timm name (the PTM's weights into a PET-equipped copy).
     *
     * @param from the source
     * @param to the target
     * @return how many tensors were copied
     */
    public static int copyShared(ai.djl.nn.Block from, ai.djl.nn.Block to) {
        Map<String, ai.djl.nn.Parameter> src = ParameterNames.of(from);
        Map<String, ai.djl.nn.Parameter> dst = ParameterNames.of(to);
        int n = 0;
        for (Map.Entry<String, ai.djl.nn.Parameter> e : src.entrySet()) {
            ai.djl.nn.Parameter target = dst.get(e.getKey());
            if (target != null) {
                e.getValue().getArray().copyTo(target.getArray());
                n++;
            }
        }
        return n;
    }
}
