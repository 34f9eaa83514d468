package dev.perennial.llava;

/**
 * Which tokens of the selected CLIP hidden state become image features (llava-hf
 * {@code vision_feature_select_strategy}, original LLaVA {@code mm_vision_select_feature}).
 */
public enum FeatureSelect {
    /** Patch tokens only, the class token dropped (llava-hf {@code "default"}, original {@code "patch"}; LLaVA-1.5). */
    DEFAULT,
    /** Class token and patch tokens (llava-hf {@code "full"}, original {@code "cls_patch"}). */
    FULL;

    /**
     * Parses either vocabulary.
     *
     * @param value {@code default}, {@code patch}, {@code full} or {@code cls_patch}
     * @param field the config field, for the message
     * @return the strategy
     * @throws IllegalArgumentException for anything else
     */
    public static FeatureSelect parse(String value, String field) {
        return switch (value) {
            case "default", "patch" -> DEFAULT;
            case "full", "cls_patch" -> FULL;
            default -> throw new IllegalArgumentException(
                    field + " is '" + value + "'; accepted: default, patch (class token dropped), full, cls_patch");
        };
    }
}
