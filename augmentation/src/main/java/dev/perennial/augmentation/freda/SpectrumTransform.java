package dev.perennial.augmentation.freda;

import java.util.Locale;

/**
 * How FreDA computes the spectra. Both give the same result up to float32 rounding (the tests check it
 * against a double-precision Java DFT).
 */
public enum SpectrumTransform {
    /**
     * The engine's {@code fft2} / {@code ifft2} (complex64 on PyTorch). Measured to work on DJL 0.36 with
     * PyTorch 2.7.1 on CPU; the default.
     */
    ENGINE_FFT,
    /**
     * Real and imaginary DFT matrices applied with {@code matMul} (spec §A.5 item 6): x_a = x_f + L(x_r − x_f)
     * with L = F⁻¹ M F, which needs nothing but real matrix products and so runs on any engine; fine up to
     * about 128 pixels a side.
     */
    DFT_MATMUL;

    /**
     * Parses a configuration value.
     *
     * @param text {@code engine-fft} or {@code dft-matmul}, any case
     * @param field the configuration field, for the message
     * @return the transform
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static SpectrumTransform parse(String text, String field) {
        if (text != null) {
            for (SpectrumTransform s : values()) {
                if (s.id().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("config field '" + field + "' must be one of engine-fft, dft-matmul; "
                + "was '" + text + "'");
    }

    /**
     * The configuration spelling.
     *
     * @return e.g. {@code engine-fft}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
