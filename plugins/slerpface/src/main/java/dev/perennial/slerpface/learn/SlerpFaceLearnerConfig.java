package dev.perennial.slerpface.learn;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * The configuration of the {@code slerpface-grouping} learner: the recogniser whose group features and group
 * weights SlerpFace protects.
 *
 * @param layers residual blocks per ResNet stage (four values)
 * @param baseWidth channels of the ResNet stem and first stage
 * @param cifarStem true for the 3×3 stride-1 stem without max-pool (small images)
 * @param groupSize d, channels of the 1×1 group convolution (the reference's 16)
 * @param arcFaceScale s of the ArcFace logits
 * @param arcFaceMargin the additive angular margin m, radians
 * @param flipMirrorBack whether the flipped image's group map is mirrored back before the flip-sum (spec §5.13;
 *     the formula of §1.2 sums without mirroring, the default)
 * @param predictTemplates whether predictions are the grouped templates ({@link SlerpFaceLearner#extract}) as score
 *     rows instead of the identities' ArcFace cosines: the input of the {@code slerpface-*} protection metrics
 */
public record SlerpFaceLearnerConfig(
        @ConfigDoc("Residual blocks per stage, four values >= 1. Default [2, 2, 2, 2] (ResNet-18 layout).")
        List<Integer> layers,
        @ConfigDoc("ResNet stem / first-stage channels. Range: 1..512. Default 32.") int baseWidth,
        @ConfigDoc("CIFAR stem (3x3 stride 1, no max-pool) for small images. Default false.") boolean cifarStem,
        @ConfigDoc("Channels per group d of the 1x1 group convolution. Range: 1..512. Default 16.") int groupSize,
        @ConfigDoc("ArcFace scale s. Range: (0, 1000]. Default 64.") double arcFaceScale,
        @ConfigDoc("ArcFace additive angular margin m in radians. Range: [0, 1.5]. Default 0.5.")
        double arcFaceMargin,
        @ConfigDoc("Mirror the flipped image's group map back before summing (flip TTA). Default false, the"
                + " formula T = Gc(x) + Gc(flip(x)) as written.") boolean flipMirrorBack,
        @ConfigDoc("Predict the grouped templates (m*d group features then m group weights, flip-summed) as score rows"
                + " instead of the identities' cosines: the input of the slerpface-* protection metrics (then the"
                + " accuracy metric means nothing). Default false.") boolean predictTemplates) {

    /** Validates each field. */
    public SlerpFaceLearnerConfig {
        if (layers == null || layers.size() != 4 || layers.stream().anyMatch(n -> n == null || n < 1)) {
            throw new IllegalArgumentException("slerpface-grouping: layers must be four stage depths >= 1, was "
                    + layers);
        }
        layers = List.copyOf(layers);
        if (baseWidth < 1 || baseWidth > 512) {
            throw new IllegalArgumentException("slerpface-grouping: baseWidth must be in 1..512, was " + baseWidth);
        }
        if (groupSize < 1 || groupSize > 512) {
            throw new IllegalArgumentException("slerpface-grouping: groupSize must be in 1..512, was " + groupSize);
        }
        if (!(arcFaceScale > 0 && arcFaceScale <= 1000)) {
            throw new IllegalArgumentException("slerpface-grouping: arcFaceScale must be in (0, 1000], was "
                    + arcFaceScale);
        }
        if (!(arcFaceMargin >= 0 && arcFaceMargin <= 1.5)) {
            throw new IllegalArgumentException("slerpface-grouping: arcFaceMargin must be in [0, 1.5] radians, was "
                    + arcFaceMargin);
        }
    }

    /**
     * The recogniser predicting identities.
     *
     * @param layers residual blocks per stage
     * @param baseWidth stem width
     * @param cifarStem CIFAR stem
     * @param groupSize d
     * @param arcFaceScale s
     * @param arcFaceMargin m
     * @param flipMirrorBack mirror back before the flip-sum
     */
    public SlerpFaceLearnerConfig(List<Integer> layers, int baseWidth, boolean cifarStem, int groupSize,
                                  double arcFaceScale, double arcFaceMargin, boolean flipMirrorBack) {
        this(layers, baseWidth, cifarStem, groupSize, arcFaceScale, arcFaceMargin, flipMirrorBack, false);
    }

    /**
     * ResNet-18 layout at width 32, ImageNet stem, d = 16, ArcFace s = 64, m = 0.5 (Deng et al. 2019).
     *
     * @return the defaults
     */
    public static SlerpFaceLearnerConfig defaults() {
        return new SlerpFaceLearnerConfig(List.of(2, 2, 2, 2), 32, false, 16, 64, 0.5, false);
    }
}
