package dev.perennial.distillation.ofa;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code ofa}.
 *
 * @param teacher the frozen teacher
 * @param imageInput the batch input with the images
 * @param eps the modulation exponent ε
 * @param temperature the softmax temperature
 * @param weight the term's weight
 */
public record OfaConfig(
        @ConfigDoc("The frozen teacher: architecture, sizes and safetensors checkpoint (empty = random weights).")
        @JsonProperty("teacher") ModelSpec teacher,
        @ConfigDoc("Batch input holding the images; default 'image'.") @JsonProperty("imageInput") String imageInput,
        @ConfigDoc("Modulation exponent eps > 0; default 1 (OFAKD train.py --ofa-eps).") @JsonProperty("eps")
        double eps,
        @ConfigDoc("Softmax temperature > 0; default 1 (OFAKD train.py --ofa-temperature).")
        @JsonProperty("temperature") double temperature,
        @ConfigDoc("Weight of the term 'ofa', >= 0; default 1 (OFAKD --ofa-loss-weight).") @JsonProperty("weight")
        double weight) {

    /** Validates. */
    public OfaConfig {
        if (teacher == null) {
            throw new IllegalArgumentException("ofa config: 'teacher' is required");
        }
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException("ofa config field 'imageInput' must name a batch input, was empty");
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("ofa config field 'eps' must be a finite number > 0, was " + eps);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("ofa config field 'temperature' must be a finite number > 0, was "
                    + temperature);
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("ofa config field 'weight' must be a finite number >= 0, was " + weight);
        }
    }

    /**
     * The defaults for a teacher.
     *
     * @param teacher the teacher
     * @return ε = 1, T = 1, weight 1
     */
    public static OfaConfig of(ModelSpec teacher) {
        return new OfaConfig(teacher, "image", 1.0, 1.0, 1.0);
    }
}
