package dev.perennial.distillation.ofa;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.ConfigDoc;
import java.util.List;
import java.util.TreeSet;

/**
 * Configuration of {@code ofa}, with OFAKD's loss (Hao840/OFAKD {@code distillers/ofa.py}, {@code train.py}):
 * <pre>
 *   L = kd_loss_weight · OFA(student logits) + ofa_loss_weight · Σ_{k ∈ stages} OFA(head_k(student stage k))
 * </pre>
 * (the ground-truth cross-entropy is the learner's own term). Names: {@code kdLossWeight} is OFAKD's
 * {@code --kd-loss-weight}, {@code ofaLossWeight} its {@code --ofa-loss-weight}, {@code stages} its
 * {@code --ofa-stage}, {@code eps} a single {@code --ofa-eps} (OFAKD then uses it for every stage and the logits),
 * {@code temperature} its {@code --ofa-temperature}; all default as there (1, 1, [1, 2, 3, 4], 1, 1).
 *
 * @param teacher the frozen teacher
 * @param student the student's architecture and sizes (to build the stage heads); required when a stage term is on
 * @param imageInput the batch input with the images
 * @param eps the modulation exponent ε
 * @param temperature the softmax temperature
 * @param kdLossWeight weight of the final-logit term {@code ofa-kd}
 * @param ofaLossWeight weight of every stage term {@code ofa-stageK}
 * @param stages OFA's student stages with a projector head
 * @param weight deprecated alias of {@code kdLossWeight} (it always weighed the final-logit term); null when absent
 */
public record OfaConfig(
        @ConfigDoc("The frozen teacher: architecture, sizes and safetensors checkpoint (empty = random weights).")
        @JsonProperty("teacher") ModelSpec teacher,
        @ConfigDoc("The student's architecture and sizes, to build the per-stage projector heads; required unless"
                + " 'stages' is empty or 'ofaLossWeight' is 0.") @JsonProperty("student") ModelSpec student,
        @ConfigDoc("Batch input holding the images; default 'image'.") @JsonProperty("imageInput") String imageInput,
        @ConfigDoc("Modulation exponent eps > 0, for the logits and every stage; default 1 (OFAKD --ofa-eps).")
        @JsonProperty("eps") double eps,
        @ConfigDoc("Softmax temperature > 0; default 1 (OFAKD --ofa-temperature).")
        @JsonProperty("temperature") double temperature,
        @ConfigDoc("Weight of the final-logit term 'ofa-kd', >= 0; default 1 (OFAKD --kd-loss-weight).")
        @JsonProperty("kdLossWeight") double kdLossWeight,
        @ConfigDoc("Weight of each stage term 'ofa-stageK' (their sum is OFAKD's loss_ofa), >= 0; default 1 (OFAKD"
                + " --ofa-loss-weight).") @JsonProperty("ofaLossWeight") double ofaLossWeight,
        @ConfigDoc("Student stages (1-4) with a projector head; default [1, 2, 3, 4] (OFAKD --ofa-stage); [] for the"
                + " final-logit term alone.") @JsonProperty("stages") List<Integer> stages,
        @ConfigDoc("Deprecated: the old name of 'kdLossWeight' (it weighed the final-logit term, OFAKD's"
                + " kd_loss_weight, not --ofa-loss-weight).")
        @Deprecated @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("weight") Double weight) {

    /** OFAKD's {@code --ofa-stage} default. */
    public static final List<Integer> OFFICIAL_STAGES = List.of(1, 2, 3, 4);

    /** Validates; maps the deprecated {@code weight} onto {@code kdLossWeight} with a warning. */
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
        if (weight != null) {
            if (kdLossWeight != 1.0 && kdLossWeight != weight) {
                throw new IllegalArgumentException("ofa config: 'weight' (deprecated) is " + weight + " and"
                        + " 'kdLossWeight' is " + kdLossWeight + "; give only 'kdLossWeight'");
            }
            System.getLogger(OfaConfig.class.getName()).log(System.Logger.Level.WARNING, "ofa config field 'weight'"
                    + " is deprecated: it weighs the final-logit term, OFAKD's kd_loss_weight; write 'kdLossWeight: "
                    + weight + "' (the per-stage heads' weight is 'ofaLossWeight')");
            kdLossWeight = weight;
            weight = null;
        }
        if (!(kdLossWeight >= 0) || Double.isInfinite(kdLossWeight)) {
            throw new IllegalArgumentException("ofa config field 'kdLossWeight' must be a finite number >= 0, was "
                    + kdLossWeight);
        }
        if (!(ofaLossWeight >= 0) || Double.isInfinite(ofaLossWeight)) {
            throw new IllegalArgumentException("ofa config field 'ofaLossWeight' must be a finite number >= 0, was "
                    + ofaLossWeight);
        }
        stages = stages == null ? OFFICIAL_STAGES : List.copyOf(new TreeSet<>(stages));
        if (stages.stream().anyMatch(s -> s == null || s < 1 || s > 4)) {
            throw new IllegalArgumentException("ofa config field 'stages' holds stage numbers 1-4 (OFAKD --ofa-stage),"
                    + " was " + stages);
        }
    }

    /**
     * Whether the per-stage terms are on.
     *
     * @return true when some stage has a head and its weight is positive
     */
    public boolean stageTerms() {
        return ofaLossWeight > 0 && !stages.isEmpty();
    }

    /**
     * Checks that the stage heads can be built (called when the distiller is created).
     *
     * @throws IllegalArgumentException naming the field when a stage term is on and 'student' is missing
     */
    public void requireStudent() {
        if (student == null && stageTerms()) {
            throw new IllegalArgumentException("ofa config: 'student' (architecture and sizes of the learner's model)"
                    + " is required to build the per-stage heads of stages " + stages + "; give it, or set"
                    + " 'stages: []' (or 'ofaLossWeight: 0') for the final-logit term alone");
        }
    }

    /**
     * OFAKD's defaults for a teacher and a student.
     *
     * @param teacher the teacher
     * @param student the student
     * @return ε = 1, T = 1, kd_loss_weight 1, ofa_loss_weight 1, stages 1-4
     */
    public static OfaConfig of(ModelSpec teacher, ModelSpec student) {
        return new OfaConfig(teacher, student, "image", 1.0, 1.0, 1.0, 1.0, OFFICIAL_STAGES, null);
    }

    /**
     * The final-logit term alone (no stage heads, no student description needed).
     *
     * @param teacher the teacher
     * @return ε = 1, T = 1, kd_loss_weight 1, no stages
     */
    public static OfaConfig logitsOnly(ModelSpec teacher) {
        return new OfaConfig(teacher, null, "image", 1.0, 1.0, 1.0, 1.0, List.of(), null);
    }
}
