package dev.perennial.continual.net;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Which backbone a classification learner builds.
 *
 * @param name the architecture; {@code small-cnn} (two convolutions, for 28×28 and 32×32 images) or
 *     {@code resnet18-cifar} (ResNet-18 with the CIFAR stem, the network of the replay papers' Seq-CIFAR runs)
 * @param channels filters of the first convolution (the second has twice as many); for {@code resnet18-cifar} the
 *     width of the stem and stage 1 (64 in the papers' ResNet-18, 20 in GEM's reduced one)
 * @param featureDim width of the feature vector the head reads; for {@code resnet18-cifar} it is the last stage's
 *     width, 8 · channels
 */
public record BackboneConfig(
        @ConfigDoc("Architecture: small-cnn (two convolutions) or resnet18-cifar (ResNet-18 with a 3x3 stride-1"
                + " stem and no max-pool; 'channels' is the width of its stem and first stage, and featureDim must be"
                + " 8 * channels).") @JsonProperty("name") String name,
        @ConfigDoc("Filters of the first convolution (>= 1); the second has twice as many.") @JsonProperty("channels") int channels,
        @ConfigDoc("Width of the feature vector the classification head reads (>= 1).") @JsonProperty("featureDim") int featureDim) {

    /** The architectures this version builds. */
    public static final List<String> NAMES = List.of("small-cnn", "resnet18-cifar");

    /** Validates; messages name the field. */
    public BackboneConfig {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("backbone.name '" + name + "' is not one of " + NAMES);
        }
        if (channels < 1 || featureDim < 1) {
            throw new IllegalArgumentException("backbone.channels and backbone.featureDim must be >= 1, were "
                    + channels + " and " + featureDim);
        }
        if ("resnet18-cifar".equals(name) && featureDim != 8 * channels) {
            throw new IllegalArgumentException("backbone.featureDim of resnet18-cifar is its last stage's width, 8 *"
                    + " channels = " + 8 * channels + ", was " + featureDim);
        }
    }

    /**
     * The default: small-cnn with 32 filters and 128 features.
     *
     * @return the default backbone
     */
    public static BackboneConfig defaults() {
        return new BackboneConfig("small-cnn", 32, 128);
    }

    /**
     * Builds the backbone (not yet initialized).
     *
     * @return the backbone
     */
    public dev.perennial.models.Backbone build() {
        if ("resnet18-cifar".equals(name)) {
            return new dev.perennial.models.cnn.ResNet(new dev.perennial.models.cnn.ResNetConfig(
                    dev.perennial.models.cnn.ResNetConfig.Block.BASIC, List.of(2, 2, 2, 2), channels, 0, true, 3));
        }
        return new SmallConvNet(channels, 2 * channels, featureDim);
    }
}
