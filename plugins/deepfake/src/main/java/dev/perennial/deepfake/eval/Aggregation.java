package dev.perennial.deepfake.eval;

import java.util.Locale;

/** The level a detection metric is computed at (specs/deepfake.md §C.3). */
public enum Aggregation {
    /** Every frame (or clip, for clip detectors) is one sample. */
    FRAME,
    /** Frames are grouped by video id; a video's score is the mean of its frame scores. */
    VIDEO;

    /**
     * Parses {@code frame} or {@code video}.
     *
     * @param text the config value
     * @param field the config field, for the message
     * @return the level
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static Aggregation parse(String text, String field) {
        if (text != null) {
            for (Aggregation a : values()) {
                if (a.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("config field '" + field + "' must be 'frame' or 'video'; was '" + text
                + "'");
    }
}
