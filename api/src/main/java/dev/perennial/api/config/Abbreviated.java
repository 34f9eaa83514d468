package dev.perennial.api.config;

import java.util.Locale;

/**
 * A value a user gave, shortened for an error message: a 1 MB plugin name or scalar must not come back as a
 * 1 MB line. Values up to {@value #MAX_CHARS} characters are kept whole; longer ones keep their first
 * {@value #MAX_CHARS} characters followed by {@code …(N chars)}, N the full length.
 */
public final class Abbreviated {
    /** The characters of a value kept in a message. */
    public static final int MAX_CHARS = 80;

    private Abbreviated() {}

    /**
     * The value as a message shows it.
     *
     * @param value what the user gave (may be null)
     * @return the value, or its first {@value #MAX_CHARS} characters and {@code …(N chars)}
     */
    public static String value(String value) {
        if (value == null || value.length() <= MAX_CHARS) {
            return String.valueOf(value);
        }
        // Do not cut a surrogate pair in half.
        int end = Character.isHighSurrogate(value.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return value.substring(0, end) + String.format(Locale.ROOT, "…(%d chars)", value.length());
    }
}
