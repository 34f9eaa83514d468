package dev.perennial.deepfake.curriculum;

/**
 * How the dynamic hardness d_t(i) accumulates per-sample losses s_t(i) (specs/deepfake.md §A.1.1, pitfall A.5.3):
 * d_t = γ·d_{t−1} + w·s_t, and samples not visited in an epoch only decay.
 */
public enum HardnessForm {
    /** DIHCL's code ({@code dihcl.py}): an un-normalised discounted sum, w = 1; a constant loss c tends to c/(1−γ). */
    DISCOUNTED_SUM("discounted-sum"),
    /** The DIH-style reconstruction (UNVERIFIED for QCF): an EMA, w = 1 − γ; a constant loss c tends to c. */
    EMA("ema");

    private final String id;

    HardnessForm(String id) {
        this.id = id;
    }

    /**
     * The weight w of a new observation.
     *
     * @param decay γ
     * @return 1 or 1 − γ
     */
    public double observationWeight(double decay) {
        return this == DISCOUNTED_SUM ? 1 : 1 - decay;
    }

    /**
     * The config spelling.
     *
     * @return e.g. {@code discounted-sum}
     */
    public String id() {
        return id;
    }

    /**
     * Parses a config value.
     *
     * @param text the value
     * @param field the field, for the message
     * @return the form
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static HardnessForm parse(String text, String field) {
        for (HardnessForm f : values()) {
            if (f.id.equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("config field '" + field + "' must be 'discounted-sum' or 'ema'; was '"
                + text + "'");
    }
}
