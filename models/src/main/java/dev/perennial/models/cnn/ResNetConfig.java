package dev.perennial.models.cnn;

import java.util.List;

/**
 * A torchvision-style ResNet: block type, blocks per stage, widths, head and stem.
 *
 * @param block the residual block: {@link Block#BASIC} (ResNet-18/34) or {@link Block#BOTTLENECK} (ResNet-50, the
 *     torchvision "v1.5" placement of the stride on the 3×3 convolution)
 * @param layers blocks in each of the four stages, e.g. {@code [2, 2, 2, 2]}
 * @param baseWidth channels of the stem and of stage 1 (64 in torchvision); stage {@code i} has
 *     {@code baseWidth·2^i} planes. Smaller values give the small configurations tests use
 * @param numClasses classes of the {@code fc} head; 0 builds a feature extractor without {@code fc}
 * @param cifarStem true for the CIFAR variant: a 3×3 stride-1 {@code conv1} and no max-pool
 * @param inChannels image channels (3)
 */
public record ResNetConfig(Block block, List<Integer> layers, int baseWidth, int numClasses, boolean cifarStem,
        int inChannels) {

    /** The residual block of a ResNet. */
    public enum Block {
        /** Two 3×3 convolutions, expansion 1. */
        BASIC(1),
        /** 1×1, 3×3, 1×1 convolutions, expansion 4. */
        BOTTLENECK(4);

        private final int expansion;

        Block(int expansion) {
            this.expansion = expansion;
        }

        /**
         * Output channels per plane.
         *
         * @return 1 or 4
         */
        public int expansion() {
            return expansion;
        }
    }

    /** Validates the configuration. */
    public ResNetConfig {
        if (block == null) {
            throw new IllegalArgumentException("ResNetConfig.block: required (BASIC or BOTTLENECK)");
        }
        if (layers == null || layers.size() != 4 || layers.stream().anyMatch(n -> n == null || n < 1)) {
            throw new IllegalArgumentException("ResNetConfig.layers: need four stage depths >= 1, got " + layers);
        }
        layers = List.copyOf(layers);
        if (baseWidth < 1 || numClasses < 0 || inChannels < 1) {
            throw new IllegalArgumentException("ResNetConfig: baseWidth >= 1, numClasses >= 0, inChannels >= 1 "
                    + "expected; got " + baseWidth + ", " + numClasses + ", " + inChannels);
        }
    }

    /**
     * torchvision {@code resnet18}.
     *
     * @param numClasses head classes (1000 for ImageNet; 0 for none)
     * @return the configuration
     */
    public static ResNetConfig resnet18(int numClasses) {
        return new ResNetConfig(Block.BASIC, List.of(2, 2, 2, 2), 64, numClasses, false, 3);
    }

    /**
     * torchvision {@code resnet34}.
     *
     * @param numClasses head classes
     * @return the configuration
     */
    public static ResNetConfig resnet34(int numClasses) {
        return new ResNetConfig(Block.BASIC, List.of(3, 4, 6, 3), 64, numClasses, false, 3);
    }

    /**
     * torchvision {@code resnet50}.
     *
     * @param numClasses head classes
     * @return the configuration
     */
    public static ResNetConfig resnet50(int numClasses) {
        return new ResNetConfig(Block.BOTTLENECK, List.of(3, 4, 6, 3), 64, numClasses, false, 3);
    }

    /**
     * This configuration with another base width.
     *
     * @param width channels of the stem and stage 1
     * @return the new configuration
     */
    public ResNetConfig withBaseWidth(int width) {
        return new ResNetConfig(block, layers, width, numClasses, cifarStem, inChannels);
    }

    /**
     * This configuration with the CIFAR stem (3×3 stride-1 {@code conv1}, no max-pool).
     *
     * @return the new configuration
     */
    public ResNetConfig withCifarStem() {
        return new ResNetConfig(block, layers, baseWidth, numClasses, true, inChannels);
    }

    /**
     * This configuration with another number of stage blocks.
     *
     * @param depths four stage depths
     * @return the new configuration
     */
    public ResNetConfig withLayers(List<Integer> depths) {
        return new ResNetConfig(block, depths, baseWidth, numClasses, cifarStem, inChannels);
    }

    /**
     * The width of the pooled features: {@code 8·baseWidth·expansion} (512 for ResNet-18, 2048 for ResNet-50).
     *
     * @return the feature dimension
     */
    public int featureDim() {
        return 8 * baseWidth * block.expansion();
    }
}
