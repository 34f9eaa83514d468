package dev.perennial.benchmarks.distillation;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code distill-student} learner.
 *
 * @param model the network (its {@code numClasses} must equal the scenario's class count)
 * @param imageInput the batch input with the images
 * @param saveTo a safetensors file the trained network is written to after each task (torchvision / timm names,
 *     loadable as a distiller's {@code teacher.checkpoint}); empty for none
 */
public record StudentLearnerConfig(
        @ConfigDoc("The network: a distillation model description (architecture, sizes; checkpoint to start from).")
        @JsonProperty("model") ModelSpec model,
        @ConfigDoc("Batch input holding the images; default 'image'.") @JsonProperty("imageInput") String imageInput,
        @ConfigDoc("Write the trained network to this safetensors file after each task; empty (default) for none.")
        @JsonProperty("saveTo") String saveTo) {

    /** Validates. */
    public StudentLearnerConfig {
        if (model == null) {
            throw new IllegalArgumentException("distill-student config: 'model' is required");
        }
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException("distill-student config field 'imageInput' must name a batch input");
        }
        saveTo = saveTo == null ? "" : saveTo;
    }
}
