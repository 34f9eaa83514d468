package dev.perennial.augmentation.freda;

import java.util.Locale;

/** The shape of FreDA's centred low-frequency mask M in the fftshift-ed layout (spec §A.3 item 4). */
public enum MaskShape {
    /** Frequencies (f_y, f_x) with f_y² + f_x² ≤ r² (the SDK default; UNVERIFIED in the paper). */
    CIRCLE,
    /** Frequencies with max(|f_y|, |f_x|) ≤ r. */
    SQUARE;

    /**
     * Parses a configuration value.
     *
     * @param text {@code circle} or {@code square}, any case
     * @param field the configuration field, for the message
     * @return the shape
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static MaskShape parse(String text, String field) {
        if (text != null) {
            for (MaskShape s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("config field '" + field + "' must be one of circle, square; was '"
                + text + "'");
    }

    /**
     * The configuration spelling.
     *
     * @return lower-case name
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
