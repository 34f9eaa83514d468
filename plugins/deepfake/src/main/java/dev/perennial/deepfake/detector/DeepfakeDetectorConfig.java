package dev.perennial.deepfake.detector;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Configuration of the {@code deepfake-detector} learner.
 *
 * @param layers residual blocks in each of the ResNet's four stages
 * @param baseWidth channels of the stem and of stage 1
 * @param cifarStem a 3×3 stride-1 stem without max-pool (small images) instead of the 7×7 stride-2 one
 * @param featureStage the stage whose output the learner returns as {@code featureOutput}
 * @param featureOutput the name of that learner output (what {@code diffusionfake} reads)
 */
public record DeepfakeDetectorConfig(
        @ConfigDoc("Residual blocks per stage, four values; default [2, 2, 2, 2] (ResNet-18).") List<Integer> layers,
        @ConfigDoc("Channels of the stem and stage 1; default 64.") int baseWidth,
        @ConfigDoc("3x3 stride-1 stem, no max-pool (small images); default false.") boolean cifarStem,
        @ConfigDoc("Stage returned as the feature map: layer1, layer2, layer3 or layer4; default layer4.")
        String featureStage,
        @ConfigDoc("Name of the feature-map learner output; default 'feature_map'.") String featureOutput) {

    private static final List<String> STAGES = List.of("layer1", "layer2", "layer3", "layer4");

    /** Validates. */
    public DeepfakeDetectorConfig {
        if (layers == null || layers.size() != 4 || layers.stream().anyMatch(n -> n == null || n < 1)) {
            throw new IllegalArgumentException("deepfake-detector: config field 'layers' needs four stage depths "
                    + ">= 1; got " + layers);
        }
        layers = List.copyOf(layers);
        if (baseWidth < 1) {
            throw new IllegalArgumentException("deepfake-detector: config field 'baseWidth' must be >= 1; got "
                    + baseWidth);
        }
        if (featureStage == null || !STAGES.contains(featureStage)) {
            throw new IllegalArgumentException("deepfake-detector: config field 'featureStage' is '" + featureStage
                    + "'; accepted: " + STAGES);
        }
        if (featureOutput == null || featureOutput.isBlank()) {
            throw new IllegalArgumentException("deepfake-detector: config field 'featureOutput' must be a name");
        }
    }

    /** @return ResNet-18, layer4 as {@code feature_map} */
    public static DeepfakeDetectorConfig defaults() {
        return new DeepfakeDetectorConfig(List.of(2, 2, 2, 2), 64, false, "layer4", "feature_map");
    }
}
