package dev.perennial.distillation.ofa;

import dev.perennial.models.Backbone;
import dev.perennial.models.cnn.MobileNetV2;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.mlp.MlpMixer;
import dev.perennial.models.vit.VisionTransformer;
import java.util.List;

/**
 * Which output of a student backbone is OFA's "stage k" (k = 1..4), as OFAKD's {@code stage_info} picks them
 * (Hao840/OFAKD {@code custom_forward/*.py}), in the backbone's own stage names:
 * <ul>
 *   <li>ResNet: {@code layer1 … layer4};</li>
 *   <li>MobileNetV2: the last block of the stride-4, -8 and -16 resolutions and the final 1×1 convolution
 *       (timm {@code mobilenetv2_100} indices 2, 5, 12, 17) — the last four of {@link MobileNetV2#stageNames};</li>
 *   <li>ViT and MLP-Mixer (isotropic): the outputs of blocks 1, 3, 9 and 11 (0-based) of 12, i.e. after
 *       2/12, 4/12, 10/12 and 12/12 of the depth; for another depth d the block {@code max(0, round(e·d/12) − 1)}
 *       for e = 2, 4, 10, 12.</li>
 * </ul>
 */
public final class OfaStages {
    private static final int[] ISOTROPIC_TWELFTHS = {2, 4, 10, 12};

    private OfaStages() {}

    /**
     * The backbone stage name of OFA's stage k.
     *
     * @param backbone the student
     * @param stage 1..4
     * @return the name in {@link Backbone#stageNames()}
     * @throws IllegalArgumentException for another backbone or stage
     */
    public static String name(Backbone backbone, int stage) {
        if (stage < 1 || stage > 4) {
            throw new IllegalArgumentException("ofa config field 'stages' holds 1..4 (OFAKD --ofa-stage), was "
                    + stage);
        }
        if (backbone instanceof ResNet) {
            return "layer" + stage;
        }
        if (backbone instanceof MobileNetV2 m) {
            List<String> names = m.stageNames();
            if (names.size() < 4) {
                throw new IllegalArgumentException("ofa: MobileNetV2 with stages " + names + " has fewer than the 4"
                        + " resolutions OFA's stages need");
            }
            return names.get(names.size() - 4 + stage - 1);
        }
        int depth;
        if (backbone instanceof VisionTransformer v) {
            depth = v.config().depth();
        } else if (backbone instanceof MlpMixer x) {
            depth = x.config().depth();
        } else {
            throw new IllegalArgumentException("ofa: per-stage heads are defined for ResNet, MobileNetV2, ViT and "
                    + "MLP-Mixer students; got " + backbone.getClass().getSimpleName());
        }
        return "blocks." + isotropicBlock(depth, stage);
    }

    /**
     * The 0-based block whose output is stage k of an isotropic model of that depth.
     *
     * @param depth blocks
     * @param stage 1..4
     * @return the block index
     */
    static int isotropicBlock(int depth, int stage) {
        return Math.max(0, (int) Math.round(ISOTROPIC_TWELFTHS[stage - 1] * depth / 12.0) - 1);
    }
}
