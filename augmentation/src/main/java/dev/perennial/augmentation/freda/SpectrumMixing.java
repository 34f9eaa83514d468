package dev.perennial.augmentation.freda;

import java.util.Locale;

/**
 * What FreDA mixes in the masked band. The spec's formula mixes the complex spectra; whether the paper mixes
 * amplitudes only is not known (specs/deepfake.md §A.1.2: UNVERIFIED), so both are offered and
 * {@link #COMPLEX} is the default.
 */
public enum SpectrumMixing {
    /** F_a = F_r ⊙ M + F_f ⊙ (1 − M): inside M the real image's spectrum replaces the fake's entirely. */
    COMPLEX,
    /**
     * |F_a| = |F_r| ⊙ M + |F_f| ⊙ (1 − M) with the fake's phase, arg F_a = arg F_f (the amplitude swap of
     * Fourier domain adaptation): the fake keeps its structure, the real image lends its low-band energy.
     */
    AMPLITUDE;

    /**
     * Parses a configuration value.
     *
     * @param text {@code complex} or {@code amplitude}, any case
     * @param field the configuration field, for the message
     * @return the mixing
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static SpectrumMixing parse(String text, String field) {
        if (text != null) {
            for (SpectrumMixing m : values()) {
                if (m.name().equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("config field '" + field + "' must be one of complex, amplitude; was '"
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
