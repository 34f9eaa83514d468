package dev.perennial.continual.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.models.Backbone;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.ConfigDoc;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which backbone a classification learner builds.
 *
 * @param name the architecture; {@code small-cnn} (two convolutions, for 28×28 and 32×32 images),
 *     {@code resnet18-cifar} (ResNet-18 with the CIFAR stem, the network of the replay papers' Seq-CIFAR runs) or
 *     {@code ptm-vit} (a pre-trained timm-named ViT, loaded by the same code as the PTM learners' backbone:
 *     {@link PtmBackboneConfig#loadPretrained})
 * @param channels filters of the first convolution (the second has twice as many); for {@code resnet18-cifar} the
 *     width of the stem and stage 1 (64 in the papers' ResNet-18, 20 in GEM's reduced one); unused by {@code ptm-vit}
 * @param featureDim width of the feature vector the head reads; for {@code resnet18-cifar} it is the last stage's
 *     width, 8 · channels; for {@code ptm-vit} the ViT's width, {@code vit.embedDim}
 * @param vit for {@code ptm-vit}: the checkpoint and architecture (its PET fields are not used: the learner tunes
 *     the ViT's own weights, as far as {@code freeze} allows)
 * @param freeze for {@code ptm-vit}: {@code none} (every ViT weight trains), {@code all} (the ViT is a fixed feature
 *     extractor; only the head trains) or {@code blocks<k} (patch embedding, class token, position embedding and
 *     blocks 0..k−1 frozen)
 */
public record BackboneConfig(
        @ConfigDoc("Architecture: small-cnn (two convolutions), resnet18-cifar (ResNet-18 with a 3x3 stride-1"
                + " stem and no max-pool; 'channels' is the width of its stem and first stage, and featureDim must be"
                + " 8 * channels) or ptm-vit (the pre-trained ViT of 'vit'; featureDim must be vit.embedDim).")
        @JsonProperty("name") String name,
        @ConfigDoc("Filters of the first convolution (>= 1); the second has twice as many. Unused by ptm-vit.")
        @JsonProperty("channels") int channels,
        @ConfigDoc("Width of the feature vector the classification head reads (>= 1).") @JsonProperty("featureDim")
        int featureDim,
        @ConfigDoc("ptm-vit only: the pre-trained ViT (checkpoint: a timm-named .safetensors file or folder; imageSize,"
                + " patchSize, embedDim, depth, numHeads, nameMap), loaded as the PTM learners load theirs. Its PET"
                + " fields are not used.") @JsonProperty("vit") PtmBackboneConfig vit,
        @ConfigDoc("ptm-vit only: which ViT weights stay fixed: none (default; all train), all (only the head"
                + " trains) or blocks<k (patch embedding, class token, position embedding and blocks 0..k-1).")
        @JsonProperty("freeze") String freeze) {

    /** The architectures this version builds. */
    public static final List<String> NAMES = List.of("small-cnn", "resnet18-cifar", "ptm-vit");

    private static final Pattern BLOCKS_BELOW = Pattern.compile("blocks<(\\d+)");
    private static final Pattern BLOCK_PARAMETER = Pattern.compile("^blocks\\.(\\d+)\\.");

    /** Validates; messages name the field. */
    @JsonCreator
    public BackboneConfig {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("backbone.name '" + name + "' is not one of " + NAMES);
        }
        freeze = freeze == null || freeze.isEmpty() ? "none" : freeze;
        if ("ptm-vit".equals(name)) {
            if (vit == null) {
                throw new IllegalArgumentException("backbone.vit is required with backbone.name ptm-vit (checkpoint,"
                        + " imageSize, patchSize, embedDim, depth, numHeads)");
            }
            if (featureDim != vit.embedDim()) {
                throw new IllegalArgumentException("backbone.featureDim of ptm-vit is the ViT's width,"
                        + " backbone.vit.embedDim = " + vit.embedDim() + ", was " + featureDim);
            }
            int k = frozenBlocks(freeze, vit.depth());
            if (k < 0) {
                throw new IllegalArgumentException("backbone.freeze '" + freeze + "' is not one of none, all,"
                        + " blocks<k with 1 <= k <= backbone.vit.depth (" + vit.depth() + ")");
            }
        } else {
            if (!"none".equals(freeze)) {
                throw new IllegalArgumentException("backbone.freeze applies to ptm-vit only; " + name
                        + " takes none, was '" + freeze + "'");
            }
            if (channels < 1 || featureDim < 1) {
                throw new IllegalArgumentException("backbone.channels and backbone.featureDim must be >= 1, were "
                        + channels + " and " + featureDim);
            }
            if ("resnet18-cifar".equals(name) && featureDim != 8 * channels) {
                throw new IllegalArgumentException("backbone.featureDim of resnet18-cifar is its last stage's width, 8"
                        + " * channels = " + 8 * channels + ", was " + featureDim);
            }
        }
    }

    /**
     * A convolutional backbone (no ViT, nothing frozen).
     *
     * @param name small-cnn or resnet18-cifar
     * @param channels filters of the first convolution / stage-1 width
     * @param featureDim feature width
     */
    public BackboneConfig(String name, int channels, int featureDim) {
        this(name, channels, featureDim, null, "none");
    }

    /**
     * A pre-trained ViT backbone.
     *
     * @param vit the checkpoint and architecture
     * @param freeze none, all or blocks&lt;k
     * @return the config
     */
    public static BackboneConfig ptmVit(PtmBackboneConfig vit, String freeze) {
        return new BackboneConfig("ptm-vit", 1, vit.embedDim(), vit, freeze);
    }

    /**
     * The default: small-cnn with 32 filters and 128 features (and, for a {@code ptm-vit} given field by field, the
     * PTM learners' ViT-B/16 defaults under {@code vit}).
     *
     * @return the default backbone
     */
    public static BackboneConfig defaults() {
        return new BackboneConfig("small-cnn", 32, 128, PtmBackboneConfig.defaults(), "none");
    }

    /**
     * Blocks frozen by a {@code freeze} value: 0 for none, depth + 1 for all (the embeddings too, and the final
     * norm), k for blocks&lt;k, −1 when invalid.
     */
    private static int frozenBlocks(String freeze, int depth) {
        if ("none".equals(freeze)) {
            return 0;
        }
        if ("all".equals(freeze)) {
            return depth + 1;
        }
        Matcher m = BLOCKS_BELOW.matcher(freeze);
        if (!m.matches()) {
            return -1;
        }
        int k;
        try {
            k = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
        return k >= 1 && k <= depth ? k : -1;
    }

    /**
     * Checks that the data's images fit the backbone (a ViT takes one image size only).
     *
     * @param image the data set's image shape C×H×W
     * @param plugin the learner's name, for the message
     */
    public void checkImage(long[] image, String plugin) {
        if ("ptm-vit".equals(name) && (image[0] != 3 || image[1] != vit.imageSize() || image[2] != vit.imageSize())) {
            throw new IllegalArgumentException(plugin + ": the data set's images are " + image[0] + "×" + image[1]
                    + "×" + image[2] + " but backbone.vit.imageSize is " + vit.imageSize() + " with 3 channels;"
                    + " resize the images (e.g. image-folder height/width) or set backbone.vit.imageSize");
        }
    }

    /**
     * Builds the backbone (not yet initialized; a {@code ptm-vit} gets its weights from {@link #prepare} after
     * initialization).
     *
     * @return the backbone
     */
    public Backbone build() {
        return switch (name) {
            case "resnet18-cifar" -> new dev.perennial.models.cnn.ResNet(new dev.perennial.models.cnn.ResNetConfig(
                    dev.perennial.models.cnn.ResNetConfig.Block.BASIC, List.of(2, 2, 2, 2), channels, 0, true, 3));
            case "ptm-vit" -> new VisionTransformer(vit.vitConfig(false));
            default -> new SmallConvNet(channels, 2 * channels, featureDim);
        };
    }

    /**
     * Makes an initialized backbone what the config describes: for {@code ptm-vit}, loads the checkpoint strictly
     * (the PTM learners' loader, {@link PtmBackboneConfig#loadPretrained}) and freezes the parameters {@code freeze}
     * names; nothing for the convolutional backbones (they start from their random initialization).
     *
     * @param backbone a backbone from {@link #build}, initialized
     * @param plugin the learner's name, for messages
     */
    public void prepare(Backbone backbone, String plugin) {
        if (!"ptm-vit".equals(name)) {
            return;
        }
        if (!(backbone instanceof VisionTransformer v)) {
            throw new IllegalArgumentException(plugin + ": backbone.name ptm-vit needs the ViT this config builds, got "
                    + backbone.getClass().getSimpleName());
        }
        try {
            vit.loadPretrained(v, plugin, "backbone.vit");
        } catch (dev.perennial.models.io.WeightLoadException e) {
            throw new IllegalArgumentException(plugin + ": backbone.vit.checkpoint '" + vit.checkpoint() + "' does not"
                    + " fit backbone.vit (imageSize " + vit.imageSize() + ", patchSize " + vit.patchSize()
                    + ", embedDim " + vit.embedDim() + ", depth " + vit.depth() + ", numHeads " + vit.numHeads()
                    + "): " + e.report().describe().replace('\n', ' '), e);
        }
        int k = frozenBlocks(freeze, vit.depth());
        if (k == 0) {
            return;
        }
        for (Map.Entry<String, ai.djl.nn.Parameter> e : ParameterNames.of(v).entrySet()) {
            if (frozen(e.getKey(), k, vit.depth())) {
                e.getValue().freeze(true);
            }
        }
    }

    /** Whether a timm-named ViT parameter is frozen when the first {@code k} blocks are (k = depth + 1: all). */
    private static boolean frozen(String parameter, int k, int depth) {
        if (k > depth) {
            return true;
        }
        Matcher m = BLOCK_PARAMETER.matcher(parameter);
        if (m.find()) {
            return Integer.parseInt(m.group(1)) < k;
        }
        return parameter.startsWith("patch_embed.") || parameter.equals("cls_token") || parameter.equals("pos_embed");
    }
}
