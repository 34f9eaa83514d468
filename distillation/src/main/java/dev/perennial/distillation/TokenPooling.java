package dev.perennial.distillation;

/**
 * How an attention model's final tokens become its feature vector {@code f_X} (cakd.md §2.3, UNVERIFIED; the
 * SDK switch {@code vitPooling}).
 */
public enum TokenPooling {
    /** The mean over the patch tokens after the final norm: global average pooling, as for CNN maps. */
    MEAN_TOKENS,
    /** The class token after the final norm (timm's default head input). */
    CLS;

    /**
     * Parses a configuration value.
     *
     * @param value {@code mean-tokens} or {@code cls}
     * @param field the field, for the message
     * @return the pooling
     */
    public static TokenPooling parse(String value, String field) {
        if ("mean-tokens".equals(value)) {
            return MEAN_TOKENS;
        }
        if ("cls".equals(value)) {
            return CLS;
        }
        throw new IllegalArgumentException(field + " is '" + value + "'; accepted: mean-tokens, cls");
    }
}
