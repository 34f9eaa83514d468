package dev.perennial.augmentation.deda;

import java.util.Locale;

/**
 * How the hole left by removing the object from a background is filled (spec §4 item 3, "CipBuilder"; the
 * paper's inpainting model is unknown, the spec's CPU substitutes are Telea / Navier–Stokes inpainting or a
 * mean fill).
 */
public enum HoleFill {
    /** Every hole pixel takes the mean of the known background pixels of its channel. */
    MEAN,
    /**
     * Harmonic (membrane) inpainting, the diffusion idea behind Navier–Stokes inpainting without its transport
     * term: hole pixels solve Laplace's equation Δu = 0 with the surrounding background as boundary values,
     * by Gauss–Seidel sweeps (each hole pixel becomes the mean of its 4-neighbours inside the image) started from
     * the mean fill. Colours flow smoothly into the hole instead of leaving a flat patch. The default.
     */
    HARMONIC;

    /**
     * Parses a configuration value.
     *
     * @param text {@code mean} or {@code harmonic}, any case
     * @return the method
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static HoleFill parse(String text) {
        if (text != null) {
            for (HoleFill f : values()) {
                if (f.name().equalsIgnoreCase(text.trim())) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("de-da config field 'holeFill' must be one of mean, harmonic; was '"
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

    /**
     * Fills the hole in place.
     *
     * @param image C·H·W values; hole pixels are overwritten
     * @param channels C
     * @param height H
     * @param width W
     * @param hole H·W flags, true where the object was
     * @param iterations Gauss–Seidel sweeps for {@link #HARMONIC}
     * @throws IllegalArgumentException when the hole covers the whole image (nothing to fill from)
     */
    public void fill(float[] image, int channels, int height, int width, boolean[] hole, int iterations) {
        int plane = height * width;
        int known = 0;
        for (boolean h : hole) {
            if (!h) {
                known++;
            }
        }
        if (known == 0) {
            throw new IllegalArgumentException("the object covers the whole image; there is no background to fill "
                    + "the hole from");
        }
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            double mean = 0;
            for (int i = 0; i < plane; i++) {
                if (!hole[i]) {
                    mean += image[base + i];
                }
            }
            float m = (float) (mean / known);
            for (int i = 0; i < plane; i++) {
                if (hole[i]) {
                    image[base + i] = m;
                }
            }
            if (this == HARMONIC) {
                for (int it = 0; it < iterations; it++) {
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            int i = y * width + x;
                            if (!hole[i]) {
                                continue;
                            }
                            float sum = 0;
                            int n = 0;
                            if (y > 0) {
                                sum += image[base + i - width];
                                n++;
                            }
                            if (y < height - 1) {
                                sum += image[base + i + width];
                                n++;
                            }
                            if (x > 0) {
                                sum += image[base + i - 1];
                                n++;
                            }
                            if (x < width - 1) {
                                sum += image[base + i + 1];
                                n++;
                            }
                            image[base + i] = sum / n;
                        }
                    }
                }
            }
        }
    }

    /**
     * The hole of an object: pixels whose alpha reaches the threshold, grown by a square of the given radius so
     * the object's soft or aliased rim goes too.
     *
     * @param alpha H·W values
     * @param height H
     * @param width W
     * @param threshold alpha at or above which a pixel is object
     * @param dilation growth in pixels (Chebyshev distance)
     * @return H·W flags
     */
    public static boolean[] hole(float[] alpha, int height, int width, double threshold, int dilation) {
        boolean[] object = new boolean[alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            object[i] = alpha[i] >= threshold;
        }
        if (dilation == 0) {
            return object;
        }
        boolean[] grown = new boolean[alpha.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (!object[y * width + x]) {
                    continue;
                }
                for (int yy = Math.max(0, y - dilation); yy <= Math.min(height - 1, y + dilation); yy++) {
                    for (int xx = Math.max(0, x - dilation); xx <= Math.min(width - 1, x + dilation); xx++) {
                        grown[yy * width + xx] = true;
                    }
                }
            }
        }
        return grown;
    }
}
