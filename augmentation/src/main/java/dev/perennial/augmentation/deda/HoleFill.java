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
     * by Gauss–Seidel sweeps (each hole pixel becomes the mean of its 4-neighbours inside the image). The sweeps
     * start from an onion-peel fill (the hole is filled ring by ring from its rim inwards, each pixel taking the
     * mean of its already-known 4-neighbours), which is close to the solution already, so a few sweeps suffice.
     * Colours flow smoothly into the hole instead of leaving a flat patch. The default.
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
        int[][] holePixels = null;
        int[][] rings = null;
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            if (this == MEAN) {
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
                continue;
            }
            if (holePixels == null) {
                holePixels = holePixels(hole, height, width);
                rings = onionPeel(hole, height, width);
            }
            for (int[] p : rings) {
                float sum = 0;
                for (int k = 1; k < p.length; k++) {
                    sum += image[base + p[k]];
                }
                image[base + p[0]] = sum / (p.length - 1);
            }
            for (int it = 0; it < iterations; it++) {
                // Row-major over the hole pixels: each sweep uses the values this sweep already updated.
                for (int[] p : holePixels) {
                    float sum = 0;
                    for (int k = 1; k < p.length; k++) {
                        sum += image[base + p[k]];
                    }
                    image[base + p[0]] = sum / (p.length - 1);
                }
            }
        }
    }

    /**
     * The onion-peel order: ring after ring of hole pixels that touch known pixels, each entry its index followed
     * by its 4-neighbours that are known before its ring (the image border or the previous rings).
     */
    private static int[][] onionPeel(boolean[] hole, int height, int width) {
        boolean[] known = new boolean[hole.length];
        int remaining = 0;
        for (int i = 0; i < hole.length; i++) {
            known[i] = !hole[i];
            remaining += hole[i] ? 1 : 0;
        }
        java.util.List<int[]> order = new java.util.ArrayList<>(remaining);
        int[] offsets = new int[4];
        while (remaining > 0) {
            java.util.List<int[]> ring = new java.util.ArrayList<>();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int i = y * width + x;
                    if (known[i]) {
                        continue;
                    }
                    int n = 0;
                    if (y > 0 && known[i - width]) {
                        offsets[n++] = i - width;
                    }
                    if (y < height - 1 && known[i + width]) {
                        offsets[n++] = i + width;
                    }
                    if (x > 0 && known[i - 1]) {
                        offsets[n++] = i - 1;
                    }
                    if (x < width - 1 && known[i + 1]) {
                        offsets[n++] = i + 1;
                    }
                    if (n > 0) {
                        int[] p = new int[n + 1];
                        p[0] = i;
                        System.arraycopy(offsets, 0, p, 1, n);
                        ring.add(p);
                    }
                }
            }
            if (ring.isEmpty()) {
                throw new IllegalStateException("hole fill: " + remaining + " hole pixels are not connected to the "
                        + "background");
            }
            for (int[] p : ring) {
                known[p[0]] = true;
            }
            remaining -= ring.size();
            order.addAll(ring);
        }
        return order.toArray(new int[0][]);
    }

    /** For each hole pixel in row-major order: its index, then the indices of its 4-neighbours in the image. */
    private static int[][] holePixels(boolean[] hole, int height, int width) {
        int count = 0;
        for (boolean h : hole) {
            count += h ? 1 : 0;
        }
        int[][] out = new int[count][];
        int j = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (!hole[i]) {
                    continue;
                }
                int[] p = new int[5];
                int n = 1;
                p[0] = i;
                if (y > 0) {
                    p[n++] = i - width;
                }
                if (y < height - 1) {
                    p[n++] = i + width;
                }
                if (x > 0) {
                    p[n++] = i - 1;
                }
                if (x < width - 1) {
                    p[n++] = i + 1;
                }
                out[j++] = java.util.Arrays.copyOf(p, n);
            }
        }
        return out;
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
