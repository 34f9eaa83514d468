package dev.perennial.models.cnn;

import java.util.List;

/**
 * A torchvision-style MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
 * 2018, Table 2).
 *
 * @param widthMultiplier scales every channel count, rounded to a multiple of 8 as torchvision's
 *     {@code _make_divisible} does (1.0 is the paper's network)
 * @param stages the inverted-residual settings (t, c, n, s), before the width multiplier
 * @param lastChannels channels of the final 1×1 convolution, or 0 for torchvision's
 *     {@code make_divisible(1280·max(1, widthMultiplier))}; a smaller value gives small test configurations
 * @param numClasses classes of the {@code classifier.1} head; 0 builds a feature extractor without head
 * @param dropout dropout rate before the head (0.2)
 * @param inChannels image channels (3)
 */
public record MobileNetV2Config(float widthMultiplier, List<Stage> stages, int lastChannels, int numClasses,
        float dropout, int inChannels) {

    /**
     * One row of the paper's Table 2.
     *
     * @param expandRatio t, the expansion factor of the hidden layer
     * @param channels c, output channels (before the width multiplier)
     * @param repeats n, blocks in the row
     * @param stride s, stride of the row's first block
     */
    public record Stage(int expandRatio, int channels, int repeats, int stride) {
        /** Validates the row. */
        public Stage {
            if (expandRatio < 1 || channels < 1 || repeats < 1 || (stride != 1 && stride != 2)) {
                throw new IllegalArgumentException("MobileNetV2Config.Stage: need t >= 1, c >= 1, n >= 1, "
                        + "s in {1, 2}; got t=" + expandRatio + " c=" + channels + " n=" + repeats + " s=" + stride);
            }
        }
    }

    /** The paper's (and torchvision's) inverted-residual settings. */
    public static final List<Stage> STANDARD_STAGES = List.of(
            new Stage(1, 16, 1, 1), new Stage(6, 24, 2, 2), new Stage(6, 32, 3, 2), new Stage(6, 64, 4, 2),
            new Stage(6, 96, 3, 1), new Stage(6, 160, 3, 2), new Stage(6, 320, 1, 1));

    /** Validates the configuration. */
    public MobileNetV2Config {
        if (!(widthMultiplier > 0) || stages == null || stages.isEmpty() || lastChannels < 0 || numClasses < 0
                || !(dropout >= 0 && dropout < 1) || inChannels < 1) {
            throw new IllegalArgumentException("MobileNetV2Config: need widthMultiplier > 0, at least one stage, "
                    + "lastChannels >= 0, numClasses >= 0, dropout in [0, 1), inChannels >= 1; got " + widthMultiplier
                    + ", " + stages + ", " + lastChannels + ", " + numClasses + ", " + dropout + ", " + inChannels);
        }
        stages = List.copyOf(stages);
    }

    /**
     * torchvision {@code mobilenet_v2}.
     *
     * @param numClasses head classes (1000 for ImageNet; 0 for none)
     * @return the configuration
     */
    public static MobileNetV2Config standard(int numClasses) {
        return new MobileNetV2Config(1.0f, STANDARD_STAGES, 0, numClasses, 0.2f, 3);
    }

    /**
     * This configuration with another width multiplier.
     *
     * @param multiplier the multiplier
     * @return the new configuration
     */
    public MobileNetV2Config withWidthMultiplier(float multiplier) {
        return new MobileNetV2Config(multiplier, stages, lastChannels, numClasses, dropout, inChannels);
    }

    /**
     * This configuration with other inverted-residual rows.
     *
     * @param rows the rows
     * @return the new configuration
     */
    public MobileNetV2Config withStages(List<Stage> rows) {
        return new MobileNetV2Config(widthMultiplier, rows, lastChannels, numClasses, dropout, inChannels);
    }

    /**
     * This configuration with another width of the last convolution.
     *
     * @param channels the channels
     * @return the new configuration
     */
    public MobileNetV2Config withLastChannels(int channels) {
        return new MobileNetV2Config(widthMultiplier, stages, channels, numClasses, dropout, inChannels);
    }

    /**
     * The width of the pooled features (the last convolution's channels).
     *
     * @return the feature dimension
     */
    public int featureDim() {
        return lastChannels > 0 ? lastChannels : makeDivisible(1280 * Math.max(1.0f, widthMultiplier));
    }

    /**
     * torchvision's {@code _make_divisible(v, 8)}: the nearest multiple of 8, at least 8, and not more than 10%
     * below {@code v}.
     *
     * @param v a scaled channel count
     * @return the rounded count
     */
    static int makeDivisible(float v) {
        int divisor = 8;
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0f) / divisor * divisor);
        return rounded < 0.9f * v ? rounded + divisor : rounded;
    }
}
