package dev.perennial.distillation.kd;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code kd}.
 *
 * @param teacher the frozen teacher
 * @param imageInput the batch input with the images
 * @param temperature the softmax temperature T
 * @param weight the term's weight (the loop's {@code lossWeights} apply on top)
 */
public record KdConfig(
        @ConfigDoc("The frozen teacher: architecture, sizes and safetensors checkpoint (empty = random weights).")
        @JsonProperty("teacher") ModelSpec teacher,
        @ConfigDoc("Batch input holding the images; default 'image'.") @JsonProperty("imageInput") String imageInput,
        @ConfigDoc("Softmax temperature T > 0; default 4 (the usual CIFAR choice, e.g. mdistiller; Hinton et al. "
                + "give no single value).") @JsonProperty("temperature") double temperature,
        @ConfigDoc("Weight of the term 'kd', >= 0; default 1.") @JsonProperty("weight") double weight) {

    /** Validates. */
    public KdConfig {
        if (teacher == null) {
            throw new IllegalArgumentException("kd config: 'teacher' is required");
        }
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException("kd config field 'imageInput' must name a batch input, was empty");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("kd config field 'temperature' must be a finite number > 0, was "
                    + temperature);
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("kd config field 'weight' must be a finite number >= 0, was " + weight);
        }
    }

    /**
     * The defaults for a teacher.
     *
     * @param teacher the teacher
     * @return T = 4, weight 1
     */
    public static KdConfig of(ModelSpec teacher) {
        return new KdConfig(teacher, "image", 4.0, 1.0);
    }
}
