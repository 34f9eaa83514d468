package dev.perennial.deepfake.curriculum;

/**
 * How an observed per-sample loss ℓ becomes the instantaneous hardness s_t(i) (specs/deepfake.md §A.1.1).
 * The SPI's {@code Sampler.observe} carries no learning rate, so the two learning-rate forms read η from the
 * {@link QualityBoard}, where the {@code quality-freda} companion augmenter posts each step's rate.
 */
public enum LossScaling {
    /** s = ℓ (η fixed at 1, the form property Q8 is stated for). */
    NONE("none"),
    /** DIHCL's code: s = ℓ / η_t. */
    INVERSE_LEARNING_RATE("inverse-lr"),
    /** DFFC (3P): s = ℓ · η_max / η_t, η_max the largest rate seen so far. */
    MAX_LEARNING_RATE_RATIO("lr-max-ratio");

    private final String id;

    LossScaling(String id) {
        this.id = id;
    }

    /**
     * The config spelling.
     *
     * @return e.g. {@code inverse-lr}
     */
    public String id() {
        return id;
    }

    /**
     * s from ℓ.
     *
     * @param loss ℓ
     * @param learningRate η_t (ignored by {@link #NONE})
     * @param maxLearningRate η_max
     * @return s
     */
    public double scale(double loss, double learningRate, double maxLearningRate) {
        return switch (this) {
            case NONE -> loss;
            case INVERSE_LEARNING_RATE -> loss / learningRate;
            case MAX_LEARNING_RATE_RATIO -> loss * maxLearningRate / learningRate;
        };
    }

    /**
     * Parses a config value.
     *
     * @param text the value
     * @param field the field, for the message
     * @return the scaling
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static LossScaling parse(String text, String field) {
        for (LossScaling s : values()) {
            if (s.id.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("config field '" + field + "' must be 'none', 'inverse-lr' or "
                + "'lr-max-ratio'; was '" + text + "'");
    }
}
