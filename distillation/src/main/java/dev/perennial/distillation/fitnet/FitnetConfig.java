package dev.perennial.distillation.fitnet;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code fitnet}.
 *
 * @param teacher the frozen teacher
 * @param imageInput the batch input with the images
 * @param studentOutput the learner output regressed onto the teacher's feature
 * @param studentDim its channel width
 * @param teacherStage {@code pooled} for the teacher's pooled feature, or one of its stage names
 * @param weight the term's weight
 */
public record FitnetConfig(
        @ConfigDoc("The frozen teacher: architecture, sizes and safetensors checkpoint (empty = random weights).")
        @JsonProperty("teacher") ModelSpec teacher,
        @ConfigDoc("Batch input holding the images; default 'image'.") @JsonProperty("imageInput") String imageInput,
        @ConfigDoc("Learner output regressed onto the teacher (B,C), (B,T,C) or (B,C,H,W); spatial layouts are "
                + "globally average-pooled first. Default 'features'.") @JsonProperty("studentOutput")
        String studentOutput,
        @ConfigDoc("Channel width C of that output, >= 1 (the regressor's input); default 512 (ResNet-18).")
        @JsonProperty("studentDim") int studentDim,
        @ConfigDoc("Teacher feature to match: 'pooled' (default) or a stage name of the teacher (e.g. layer3, "
                + "blocks.8), pooled the same way.") @JsonProperty("teacherStage") String teacherStage,
        @ConfigDoc("Weight of the term 'fitnet', >= 0; default 1.") @JsonProperty("weight") double weight) {

    /** Validates. */
    public FitnetConfig {
        if (teacher == null) {
            throw new IllegalArgumentException("fitnet config: 'teacher' is required");
        }
        for (String[] f : new String[][] {{"imageInput", imageInput}, {"studentOutput", studentOutput},
                {"teacherStage", teacherStage}}) {
            if (f[1] == null || f[1].isBlank()) {
                throw new IllegalArgumentException("fitnet config field '" + f[0] + "' must not be empty");
            }
        }
        if (studentDim < 1) {
            throw new IllegalArgumentException("fitnet config field 'studentDim' must be >= 1, was " + studentDim);
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("fitnet config field 'weight' must be a finite number >= 0, was "
                    + weight);
        }
    }

    /**
     * The defaults for a teacher and a student feature width.
     *
     * @param teacher the teacher
     * @param studentDim the width of the learner's {@code features}
     * @return the configuration
     */
    public static FitnetConfig of(ModelSpec teacher, int studentDim) {
        return new FitnetConfig(teacher, "image", "features", studentDim, "pooled", 1.0);
    }
}
