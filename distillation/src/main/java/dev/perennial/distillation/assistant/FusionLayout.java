package dev.perennial.distillation.assistant;

import dev.perennial.models.ModelFamily;

/**
 * Which model supplies stages 1–3 and which stage 4 + head of the fusion model (cakd.md §2.2 table, §4.2):
 * the CNN side gives stages 1–3 and the attention / MLP side gives stage 4 and the head. A CNN student with an
 * attention or MLP teacher is the spec's (SEC) case; a CNN teacher with an attention or MLP student is inferred
 * (UNVERIFIED); a homogeneous pair takes stages 1–3 from the student and stage 4 + head from the teacher
 * (UNVERIFIED), as does a pair of two non-CNN families (attention and MLP).
 *
 * @param front the side of stages 1–3
 * @param back the side of stage 4 and the head
 */
public record FusionLayout(Side front, Side back) {

    /** One of the two models. */
    public enum Side {
        /** The learner's model. */
        STUDENT,
        /** The frozen teacher. */
        TEACHER
    }

    /**
     * The rule.
     *
     * @param student the student's family
     * @param teacher the teacher's family
     * @return the layout
     */
    public static FusionLayout of(ModelFamily student, ModelFamily teacher) {
        if (teacher == ModelFamily.CNN && student != ModelFamily.CNN) {
            return new FusionLayout(Side.TEACHER, Side.STUDENT);
        }
        return new FusionLayout(Side.STUDENT, Side.TEACHER);
    }
}
