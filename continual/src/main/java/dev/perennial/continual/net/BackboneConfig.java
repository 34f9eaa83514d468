package dev.perennial.continual.net;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Which backbone a classification learner builds.
 *
 * @param name the architecture; {@code small-cnn} (two convolutions, for 28×28 and 32×32 images)
 * @param channels filters of the first convolution (the second has twice as many)
 * @param featureDim width of the feature vector the head reads
 */
public record BackboneConfig(
        @ConfigDoc("Architecture: small-cnn.") @JsonProperty("name") String name,
        @ConfigDoc("Filters of the first convolution (>= 1); the second has twice as many.") @JsonProperty("channels") int channels,
        @ConfigDoc("Width of the feature vector the classification head reads (>= 1).") @JsonProperty("featureDim") int featureDim) {

    /** The architectures this version builds. */
    public static final List<String> NAMES = List.of("small-cnn");

    /** Validates; messages name the field. */
    public BackboneConfig {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("backbone.name '" + name + "' is not one of " + NAMES);
        }
        if (channels < 1 || featureDim < 1) {
            throw new IllegalArgumentException("backbone.channels and backbone.featureDim must be >= 1, were "
                    + channels + " and " + featureDim);
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
        return new SmallConvNet(channels, 2 * channels, featureDim);
    }
}
