package dev.perennial.distillation.assistant;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.models.Backbone;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.cnn.MobileNetV2;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.mlp.MlpMixer;
import dev.perennial.models.vit.VisionTransformer;
import java.util.List;

/**
 * A backbone seen as {@code stages 1–3} ("front") and {@code stage 4 + pooling + head} ("back"), cakd.md §4.1.
 * The parts run the backbone's own child blocks, so a fusion model built from them shares their parameters.
 *
 * <p>Where the cut lies: ResNet after {@code layer3}; MobileNetV2 after the last block of the second-to-last
 * resolution (stride 16, {@code features.13} in the standard network); ViT and MLP-Mixer after block
 * {@code round(3·depth/4)} (blocks 0–8 of 12), the last quarter of the blocks being "stage 4" as OFA splits
 * isotropic models.
 */
public interface StageSplit {

    /**
     * The backbone.
     *
     * @return the backbone
     */
    Backbone model();

    /**
     * Its family.
     *
     * @return the family
     */
    default ModelFamily family() {
        return model().family();
    }

    /**
     * Stages 1–3.
     *
     * @param store the parameter store
     * @param images {@code (B, C, H, W)}
     * @param training training mode
     * @return {@code (B, C3, H3, W3)} for CNNs; {@code (B, tokens, D)} for ViT (class token first) and Mixer
     */
    NDArray front(ParameterStore store, NDArray images, boolean training);

    /**
     * Stage 4, the pooling and the head.
     *
     * @param store the parameter store
     * @param stage3 what stage 4 reads: a CNN map, or patch tokens {@code (B, N, D)} without a class token
     *     (the ViT's own class token is prepended here)
     * @param training training mode
     * @return the pooled feature and the logits
     */
    Knowledge back(ParameterStore store, NDArray stage3, boolean training);

    /**
     * The whole network in one pass.
     *
     * @param store the parameter store
     * @param images {@code (B, C, H, W)}
     * @param training training mode
     * @return the pooled feature and the logits
     */
    Knowledge full(ParameterStore store, NDArray images, boolean training);

    /**
     * The whole network in one pass, with every stage output.
     *
     * @param store the parameter store
     * @param images {@code (B, C, H, W)}
     * @param training training mode
     * @return the pooled feature and logits, and the outputs of the stages in {@link Backbone#stageNames()}
     */
    Staged fullWithStages(ParameterStore store, NDArray images, boolean training);

    /**
     * A pass's knowledge and its stage outputs.
     *
     * @param knowledge pooled feature and logits
     * @param stages stage name → output ({@code (B, C, H, W)} maps, or tokens {@code (B, T, D)} with a ViT's class
     *     token first)
     */
    record Staged(Knowledge knowledge, java.util.Map<String, NDArray> stages) {}

    /**
     * The parameters {@link #back} uses.
     *
     * @return the parameters of stage 4, the final norm, the head (and the ViT class token)
     */
    List<Parameter> backParameters();

    /**
     * The name of the stage whose output {@link #front} returns, in the backbone's own names.
     *
     * @return e.g. {@code layer3}
     */
    String frontStageName();

    /**
     * Cuts a backbone of {@code models/}.
     *
     * @param backbone a ResNet, MobileNetV2, VisionTransformer or MlpMixer
     * @param pooling how an attention model pools its final tokens
     * @return the split
     * @throws IllegalArgumentException for another backbone type, or one too shallow to cut
     */
    static StageSplit of(Backbone backbone, TokenPooling pooling) {
        if (backbone instanceof ResNet r) {
            return new ResNetStages(r);
        }
        if (backbone instanceof MobileNetV2 m) {
            return new MobileNetV2Stages(m);
        }
        if (backbone instanceof VisionTransformer v) {
            return new VitStages(v, pooling);
        }
        if (backbone instanceof MlpMixer x) {
            return new MixerStages(x);
        }
        throw new IllegalArgumentException("the assistant model can cut ResNet, MobileNetV2, VisionTransformer and"
                + " MlpMixer backbones; got " + backbone.getClass().getName());
    }

    /**
     * A child block by name.
     *
     * @param parent the block
     * @param name the child's name
     * @return the child
     */
    static Block child(Block parent, String name) {
        // DJL keys children as "<index digits><name>" (djl-notes §1.3).
        Block b = parent.getChildren().stream()
                .filter(p -> p.getKey().equals(name) || p.getKey().replaceFirst("^\\d+", "").equals(name))
                .map(ai.djl.util.Pair::getValue)
                .findFirst()
                .orElse(null);
        if (b == null) {
            throw new IllegalStateException(parent.getClass().getSimpleName() + " has no child '" + name
                    + "'; children: " + parent.getChildren().keys());
        }
        return b;
    }

    /**
     * All parameters of some blocks.
     *
     * @param blocks the blocks
     * @return their parameters
     */
    static List<Parameter> parametersOf(List<Block> blocks) {
        return blocks.stream().flatMap(b -> b.getParameters().values().stream()).toList();
    }
}
