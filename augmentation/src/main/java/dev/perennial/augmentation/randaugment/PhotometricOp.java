package dev.perennial.augmentation.randaugment;

/**
 * The photometric operations of RandAugment on one float image C×H×W in [0, 1] (row-major planes). The
 * magnitude tables follow torchvision's {@code RandAugment} with {@code num_magnitude_bins} bins: the
 * enhancement ops use a factor 1 ± 0.9·m/(bins − 1) (sign drawn at random), posterize keeps
 * 8 − round(4·m/(bins − 1)) bits, solarize inverts values at or above 1 − m/(bins − 1).
 */
public enum PhotometricOp {
    /** Returns the image unchanged. */
    IDENTITY(false),
    /** Scales all values: blend with black. */
    BRIGHTNESS(true),
    /** Blends with the grey version (saturation); no-op on one channel. */
    COLOR(true),
    /** Blends with the mean grey level. */
    CONTRAST(true),
    /** Blends with a 3×3 smoothed version (PIL's SMOOTH kernel, borders kept). */
    SHARPNESS(true),
    /** Keeps the top bits of the 8-bit value. */
    POSTERIZE(false),
    /** Inverts values at or above a threshold. */
    SOLARIZE(false),
    /** Stretches each channel's range to [0, 1]. */
    AUTOCONTRAST(false),
    /** Equalises each channel's 256-bin histogram (PIL's algorithm). */
    EQUALIZE(false);

    private final boolean signed;

    PhotometricOp(boolean signed) {
        this.signed = signed;
    }

    /**
     * Whether the magnitude gets a random sign.
     *
     * @return true for the enhancement ops
     */
    public boolean signed() {
        return signed;
    }

    /**
     * Applies the op in place.
     *
     * @param img C·H·W values
     * @param channels C
     * @param height H
     * @param width W
     * @param level the magnitude as a fraction m/(bins − 1) in [0, 1], negated for a negative sign
     */
    public void apply(float[] img, int channels, int height, int width, double level) {
        int plane = height * width;
        switch (this) {
            case IDENTITY -> { }
            case BRIGHTNESS -> blend(img, new float[img.length], 1 + 0.9 * level);
            case COLOR -> {
                if (channels == 3) {
                    blend(img, greyPlanes(img, plane), 1 + 0.9 * level);
                }
            }
            case CONTRAST -> {
                float[] grey = channels == 3 ? greyPlanes(img, plane) : img.clone();
                double mean = 0;
                for (int i = 0; i < plane; i++) {
                    mean += grey[i];
                }
                float m = (float) (mean / plane);
                float[] degenerate = new float[img.length];
                java.util.Arrays.fill(degenerate, m);
                blend(img, degenerate, 1 + 0.9 * level);
            }
            case SHARPNESS -> blend(img, smooth(img, channels, height, width), 1 + 0.9 * level);
            case POSTERIZE -> {
                int bits = 8 - (int) Math.round(4 * Math.abs(level));
                int keep = ~((1 << (8 - bits)) - 1) & 0xFF;
                for (int i = 0; i < img.length; i++) {
                    img[i] = (toByte(img[i]) & keep) / 255f;
                }
            }
            case SOLARIZE -> {
                double threshold = 1 - Math.abs(level);
                for (int i = 0; i < img.length; i++) {
                    if (img[i] >= threshold) {
                        img[i] = 1 - img[i];
                    }
                }
            }
            case AUTOCONTRAST -> {
                for (int c = 0; c < channels; c++) {
                    float lo = Float.POSITIVE_INFINITY;
                    float hi = Float.NEGATIVE_INFINITY;
                    for (int i = c * plane; i < (c + 1) * plane; i++) {
                        lo = Math.min(lo, img[i]);
                        hi = Math.max(hi, img[i]);
                    }
                    if (hi > lo) {
                        for (int i = c * plane; i < (c + 1) * plane; i++) {
                            img[i] = (img[i] - lo) / (hi - lo);
                        }
                    }
                }
            }
            case EQUALIZE -> {
                for (int c = 0; c < channels; c++) {
                    equalize(img, c * plane, plane);
                }
            }
            default -> throw new AssertionError(this);
        }
        for (int i = 0; i < img.length; i++) {
            img[i] = Math.min(1f, Math.max(0f, img[i]));
        }
    }

    private static int toByte(float v) {
        return Math.min(255, Math.max(0, (int) (v * 255f + 0.5f)));
    }

    /** out = degenerate + factor·(img − degenerate), PIL's ImageEnhance blend. */
    private static void blend(float[] img, float[] degenerate, double factor) {
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) (degenerate[i] + factor * (img[i] - degenerate[i]));
        }
    }

    /** ITU-R 601 luma (0.299, 0.587, 0.114), copied into three planes. */
    private static float[] greyPlanes(float[] img, int plane) {
        float[] out = new float[img.length];
        for (int i = 0; i < plane; i++) {
            float g = 0.299f * img[i] + 0.587f * img[plane + i] + 0.114f * img[2 * plane + i];
            out[i] = g;
            out[plane + i] = g;
            out[2 * plane + i] = g;
        }
        return out;
    }

    /** PIL's SMOOTH kernel [[1,1,1],[1,5,1],[1,1,1]]/13 on interior pixels; border pixels are kept. */
    private static float[] smooth(float[] img, int channels, int height, int width) {
        float[] out = img.clone();
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            for (int y = 1; y < height - 1; y++) {
                for (int x = 1; x < width - 1; x++) {
                    float s = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            s += img[base + (y + dy) * width + x + dx];
                        }
                    }
                    s += 4 * img[base + y * width + x];
                    out[base + y * width + x] = s / 13f;
                }
            }
        }
        return out;
    }

    /** PIL ImageOps.equalize on one channel quantised to 8 bits. */
    private static void equalize(float[] img, int offset, int n) {
        int[] hist = new int[256];
        for (int i = offset; i < offset + n; i++) {
            hist[toByte(img[i])]++;
        }
        int last = 255;
        while (last > 0 && hist[last] == 0) {
            last--;
        }
        int step = (n - hist[last]) / 255;
        if (step == 0) {
            return;
        }
        int[] lut = new int[256];
        int acc = step / 2;
        for (int v = 0; v < 256; v++) {
            lut[v] = Math.min(255, acc / step);
            acc += hist[v];
        }
        for (int i = offset; i < offset + n; i++) {
            img[i] = lut[toByte(img[i])] / 255f;
        }
    }
}
