package dev.perennial.distillation;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.models.Backbone;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.io.CheckpointNaming;
import dev.perennial.models.cnn.MobileNetV2;
import dev.perennial.models.cnn.MobileNetV2Config;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.cnn.ResNetConfig;
import dev.perennial.models.mlp.MlpMixer;
import dev.perennial.models.mlp.MlpMixerConfig;
import dev.perennial.models.vit.VitConfig;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Which {@code models/} network a distiller builds for a teacher (or describes a student with), and where its
 * weights come from.
 *
 * @param architecture {@code resnet18}, {@code resnet34}, {@code resnet50}, {@code mobilenet-v2}, {@code vit} or
 *     {@code mlp-mixer}
 * @param numClasses classes of the classification head (>= 1)
 * @param imageSize square input size in pixels
 * @param inChannels image channels
 * @param width ResNet base width, ViT / Mixer token width; 0 takes the architecture's default (64, 192, 512)
 * @param widthMultiplier MobileNetV2 width multiplier
 * @param depth ViT / Mixer blocks; 0 takes the default (12, 8)
 * @param heads ViT attention heads; 0 takes the default (3)
 * @param patchSize ViT / Mixer patch size; 0 takes the default (4)
 * @param cifarStem ResNet: the CIFAR stem (3×3 stride-1 convolution, no max-pool)
 * @param checkpoint a safetensors file (or checkpoint directory) with the model's weights under torchvision /
 *     timm names; empty for random weights (tests)
 */
public record ModelSpec(
        @ConfigDoc("Architecture: resnet18, resnet34, resnet50, mobilenet-v2, vit or mlp-mixer.")
        @JsonProperty("architecture") String architecture,
        @ConfigDoc("Classes of the classification head, >= 1.") @JsonProperty("numClasses") int numClasses,
        @ConfigDoc("Square input size in pixels, >= 8; ViT / Mixer need a multiple of patchSize.")
        @JsonProperty("imageSize") int imageSize,
        @ConfigDoc("Image channels, >= 1 (3).") @JsonProperty("inChannels") int inChannels,
        @ConfigDoc("ResNet base width / ViT and Mixer token width; 0 = the architecture's default (64, 192, 512).")
        @JsonProperty("width") int width,
        @ConfigDoc("MobileNetV2 width multiplier, > 0 (1.0).") @JsonProperty("widthMultiplier") double widthMultiplier,
        @ConfigDoc("ViT / Mixer blocks, 0 = default (12, 8); the assistant needs >= 2 to split stages.")
        @JsonProperty("depth") int depth,
        @ConfigDoc("ViT attention heads, 0 = default (3); must divide width.") @JsonProperty("heads") int heads,
        @ConfigDoc("ViT / Mixer patch size, 0 = default (4).") @JsonProperty("patchSize") int patchSize,
        @ConfigDoc("ResNet: CIFAR stem (3x3 stride-1 conv, no max-pool); default true.")
        @JsonProperty("cifarStem") boolean cifarStem,
        @ConfigDoc("Safetensors file or checkpoint directory with the weights (torchvision / timm names); empty ="
                + " random weights.") @JsonProperty("checkpoint") String checkpoint,
        @ConfigDoc("Tensor names of the checkpoint: empty = the architecture's own (torchvision for ResNet and "
                + "MobileNetV2, timm for ViT and MLP-Mixer), timm, torchvision (e.g. vit_b_16) or hf (ViTModel, ResNetModel).")
        @JsonProperty("nameMap") String nameMap) {

    /** The architectures this version builds. */
    public static final List<String> ARCHITECTURES =
            List.of("resnet18", "resnet34", "resnet50", "mobilenet-v2", "vit", "mlp-mixer");

    /** Validates; messages name the field and what is accepted. */
    public ModelSpec {
        if (architecture == null || !ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("model 'architecture' is '" + architecture + "'; accepted: "
                    + ARCHITECTURES);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("model 'numClasses' must be >= 1, was " + numClasses);
        }
        if (imageSize < 8) {
            throw new IllegalArgumentException("model 'imageSize' must be >= 8 pixels, was " + imageSize);
        }
        if (inChannels < 1) {
            throw new IllegalArgumentException("model 'inChannels' must be >= 1, was " + inChannels);
        }
        if (width < 0 || depth < 0 || heads < 0 || patchSize < 0) {
            throw new IllegalArgumentException("model 'width', 'depth', 'heads' and 'patchSize' must be >= 0 (0 = "
                    + "default); were " + width + ", " + depth + ", " + heads + ", " + patchSize);
        }
        if (!(widthMultiplier > 0) || Double.isInfinite(widthMultiplier)) {
            throw new IllegalArgumentException("model 'widthMultiplier' must be a finite number > 0, was "
                    + widthMultiplier);
        }
        checkpoint = checkpoint == null ? "" : checkpoint;
        nameMap = nameMap == null ? "" : nameMap;
        CheckpointNaming.parse(nameMap, "model 'nameMap'").ifPresent(n -> n.check(checkpointArchitecture(architecture)));
        if (architecture.equals("vit") || architecture.equals("mlp-mixer")) {
            int p = patchSize == 0 ? 4 : patchSize;
            if (imageSize % p != 0) {
                throw new IllegalArgumentException("model 'imageSize' (" + imageSize + ") must be a multiple of "
                        + "'patchSize' (" + p + ") for " + architecture);
            }
            int d = depth == 0 ? (architecture.equals("vit") ? 12 : 8) : depth;
            if (d < 2) {
                throw new IllegalArgumentException("model 'depth' must be >= 2 for " + architecture
                        + " (stages 1-3 and stage 4 need at least one block each), was " + depth);
            }
            if (architecture.equals("vit")) {
                int w = width == 0 ? 192 : width;
                int h = heads == 0 ? 3 : heads;
                if (w % h != 0) {
                    throw new IllegalArgumentException("model 'heads' (" + h + ") must divide 'width' (" + w + ")");
                }
            }
        }
    }

    /**
     * A model of that architecture with every size at its default, random weights, CIFAR stem.
     *
     * @param architecture one of {@link #ARCHITECTURES}
     * @param numClasses head classes
     * @param imageSize input size
     * @return the description
     */
    public static ModelSpec of(String architecture, int numClasses, int imageSize) {
        return new ModelSpec(architecture, numClasses, imageSize, 3, 0, 1.0, 0, 0, 0, true, "", "");
    }

    /**
     * This description with other sizes.
     *
     * @param newWidth width (0 = default)
     * @param newDepth depth (0 = default)
     * @param newHeads heads (0 = default)
     * @param newPatch patch size (0 = default)
     * @return the new description
     */
    public ModelSpec withSizes(int newWidth, int newDepth, int newHeads, int newPatch) {
        return new ModelSpec(architecture, numClasses, imageSize, inChannels, newWidth, widthMultiplier, newDepth,
                newHeads, newPatch, cifarStem, checkpoint, nameMap);
    }

    /**
     * This description with a MobileNetV2 width multiplier.
     *
     * @param multiplier the multiplier
     * @return the new description
     */
    public ModelSpec withWidthMultiplier(double multiplier) {
        return new ModelSpec(architecture, numClasses, imageSize, inChannels, width, multiplier, depth, heads,
                patchSize, cifarStem, checkpoint, nameMap);
    }

    /**
     * This description with weights from a checkpoint.
     *
     * @param path the safetensors file or directory
     * @return the new description
     */
    public ModelSpec withCheckpoint(String path) {
        return new ModelSpec(architecture, numClasses, imageSize, inChannels, width, widthMultiplier, depth, heads,
                patchSize, cifarStem, path, nameMap);
    }

    /**
     * This description with a checkpoint naming.
     *
     * @param naming timm, torchvision, hf or empty
     * @return the new description
     */
    public ModelSpec withNameMap(String naming) {
        return new ModelSpec(architecture, numClasses, imageSize, inChannels, width, widthMultiplier, depth, heads,
                patchSize, cifarStem, checkpoint, naming);
    }

    /**
     * The built-in name map's architecture for an architecture name.
     *
     * @param architecture one of {@link #ARCHITECTURES}
     * @return the architecture
     */
    static CheckpointNaming.Architecture checkpointArchitecture(String architecture) {
        return switch (architecture) {
            case "vit" -> CheckpointNaming.Architecture.VIT;
            case "mlp-mixer" -> CheckpointNaming.Architecture.MLP_MIXER;
            case "mobilenet-v2" -> CheckpointNaming.Architecture.MOBILENET_V2;
            default -> CheckpointNaming.Architecture.RESNET;
        };
    }

    /**
     * The family of the architecture, without building it.
     *
     * @return CNN for ResNet and MobileNetV2, ATTENTION for ViT, MLP for MLP-Mixer
     */
    public ModelFamily family() {
        return switch (architecture) {
            case "vit" -> ModelFamily.ATTENTION;
            case "mlp-mixer" -> ModelFamily.MLP;
            default -> ModelFamily.CNN;
        };
    }

    /**
     * Builds the network, not yet initialised.
     *
     * @return the backbone with its classification head
     */
    public Backbone build() {
        int p = patchSize == 0 ? 4 : patchSize;
        return switch (architecture) {
            case "resnet18", "resnet34", "resnet50" -> {
                ResNetConfig c = switch (architecture) {
                    case "resnet18" -> ResNetConfig.resnet18(numClasses);
                    case "resnet34" -> ResNetConfig.resnet34(numClasses);
                    default -> ResNetConfig.resnet50(numClasses);
                };
                c = new ResNetConfig(c.block(), c.layers(), width == 0 ? 64 : width, numClasses, cifarStem,
                        inChannels);
                yield new ResNet(c);
            }
            case "mobilenet-v2" -> new MobileNetV2(new MobileNetV2Config((float) widthMultiplier,
                    MobileNetV2Config.STANDARD_STAGES, 0, numClasses, 0.2f, inChannels));
            case "vit" -> {
                VitConfig base = VitConfig.of(imageSize, p, width == 0 ? 192 : width, depth == 0 ? 12 : depth,
                        heads == 0 ? 3 : heads, numClasses);
                yield new VisionTransformer(new VitConfig(base.imageSize(), base.patchSize(), inChannels,
                        base.embedDim(), base.depth(), base.numHeads(), base.mlpRatio(), base.qkvBias(),
                        base.numClasses(), base.layerNormEps(), base.adapter(), base.ssf(), base.prompts()));
            }
            case "mlp-mixer" -> new MlpMixer(new MlpMixerConfig(imageSize, p, inChannels, width == 0 ? 512 : width,
                    depth == 0 ? 8 : depth, 0.5, 4.0, numClasses, 1e-6f));
            default -> throw new IllegalStateException("unreachable: " + architecture);
        };
    }
}
