package dev.perennial.augmentation.deda;

import dev.perennial.augmentation.GaussianBlur;
import java.util.Locale;

/**
 * How an object layer is put onto a background (spec §2.3: x̃ = A'⊙CDP'_rgb + (1 − A')⊙CIP; §4 item 4:
 * "alpha or Laplacian-pyramid blend"). The paper's exact choice is unknown; {@link #ALPHA} is the default.
 */
public enum Compositing {
    /** Plain alpha compositing with the object's mask. */
    ALPHA,
    /**
     * Alpha compositing with the mask blurred by a Gaussian (σ = {@code featherSigma}), which softens the seam;
     * farther than ⌈3σ⌉ pixels from the boundary it equals {@link #ALPHA}.
     */
    FEATHER,
    /**
     * Laplacian-pyramid blending (Burt and Adelson, "A Multiresolution Spline With Application to Image
     * Mosaics", ACM TOG 1983): the Laplacian pyramids of object and background are mixed level by level with the
     * Gaussian pyramid of the mask, then collapsed. Low frequencies blend over a wide band, fine detail over a
     * narrow one; far from the boundary (beyond the support of the pyramid's filters) it equals {@link #ALPHA}.
     */
    PYRAMID;

    /** The 5-tap binomial kernel of Burt and Adelson, a = 0.375. */
    private static final float[] KERNEL = {1 / 16f, 4 / 16f, 6 / 16f, 4 / 16f, 1 / 16f};

    /**
     * Parses a configuration value.
     *
     * @param text {@code alpha}, {@code feather} or {@code pyramid}, any case
     * @return the method
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static Compositing parse(String text) {
        if (text != null) {
            for (Compositing c : values()) {
                if (c.name().equalsIgnoreCase(text.trim())) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("de-da config field 'blend' must be one of alpha, feather, pyramid; was '"
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
     * Composites an object onto a background.
     *
     * @param object the object layer
     * @param background C·H·W values of the same size
     * @param featherSigma σ for {@link #FEATHER}
     * @param pyramidLevels number of levels for {@link #PYRAMID} (1 = plain alpha)
     * @return C·H·W values, clipped to [0, 1]
     */
    public float[] composite(ObjectLayer object, float[] background, double featherSigma, int pyramidLevels) {
        int h = object.height();
        int w = object.width();
        int plane = h * w;
        if (background.length != object.rgb().length) {
            throw new IllegalArgumentException("background holds " + background.length + " values; the object "
                    + object.rgb().length);
        }
        float[] out = new float[background.length];
        switch (this) {
            case ALPHA, FEATHER -> {
                float[] a = this == ALPHA ? object.alpha() : feather(object.alpha(), h, w, featherSigma);
                for (int c = 0; c < object.channels(); c++) {
                    for (int i = 0; i < plane; i++) {
                        int k = c * plane + i;
                        out[k] = a[i] * object.rgb()[k] + (1 - a[i]) * background[k];
                    }
                }
            }
            case PYRAMID -> {
                float[][] maskPyramid = gaussianPyramid(object.alpha(), h, w, pyramidLevels);
                float[] fg = new float[plane];
                float[] bg = new float[plane];
                for (int c = 0; c < object.channels(); c++) {
                    System.arraycopy(object.rgb(), c * plane, fg, 0, plane);
                    System.arraycopy(background, c * plane, bg, 0, plane);
                    float[] blended = pyramidBlend(fg, bg, maskPyramid, h, w, pyramidLevels);
                    System.arraycopy(blended, 0, out, c * plane, plane);
                }
            }
            default -> throw new AssertionError(this);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i]));
        }
        return out;
    }

    private static float[] feather(float[] alpha, int h, int w, double sigma) {
        float[] a = GaussianBlur.blur(alpha, h, w, sigma);
        for (int i = 0; i < a.length; i++) {
            // A blur of a constant region is that constant up to rounding: snap it so that pixels beyond the
            // kernel's reach composite exactly like ALPHA.
            if (a[i] > 1 - 1e-6f) {
                a[i] = 1f;
            } else if (a[i] < 1e-6f) {
                a[i] = 0f;
            }
        }
        return a;
    }

    private static int down(int n) {
        return (n + 1) / 2;
    }

    private static float[][] gaussianPyramid(float[] img, int h, int w, int levels) {
        float[][] g = new float[levels][];
        g[0] = img;
        int hh = h;
        int ww = w;
        for (int l = 1; l < levels; l++) {
            g[l] = reduce(g[l - 1], hh, ww);
            hh = down(hh);
            ww = down(ww);
        }
        return g;
    }

    private static float[] pyramidBlend(float[] fg, float[] bg, float[][] mask, int h, int w, int levels) {
        float[][] gf = gaussianPyramid(fg, h, w, levels);
        float[][] gb = gaussianPyramid(bg, h, w, levels);
        int[] hs = new int[levels];
        int[] ws = new int[levels];
        hs[0] = h;
        ws[0] = w;
        for (int l = 1; l < levels; l++) {
            hs[l] = down(hs[l - 1]);
            ws[l] = down(ws[l - 1]);
        }
        // Top level: blend the coarsest Gaussian images; then add blended Laplacian levels on the way down.
        int top = levels - 1;
        float[] result = mix(gf[top], gb[top], mask[top]);
        for (int l = top - 1; l >= 0; l--) {
            float[] upF = expand(gf[l + 1], hs[l + 1], ws[l + 1], hs[l], ws[l]);
            float[] upB = expand(gb[l + 1], hs[l + 1], ws[l + 1], hs[l], ws[l]);
            float[] up = expand(result, hs[l + 1], ws[l + 1], hs[l], ws[l]);
            float[] m = mask[l];
            float[] next = new float[hs[l] * ws[l]];
            for (int i = 0; i < next.length; i++) {
                float lapF = gf[l][i] - upF[i];
                float lapB = gb[l][i] - upB[i];
                next[i] = up[i] + m[i] * lapF + (1 - m[i]) * lapB;
            }
            result = next;
        }
        return result;
    }

    private static float[] mix(float[] f, float[] b, float[] m) {
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = m[i] * f[i] + (1 - m[i]) * b[i];
        }
        return out;
    }

    /** Blur with the 5-tap kernel (replicated borders), keep every other row and column. */
    private static float[] reduce(float[] img, int h, int w) {
        int oh = down(h);
        int ow = down(w);
        float[] rows = new float[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                float s = 0;
                for (int k = -2; k <= 2; k++) {
                    int xx = Math.min(w - 1, Math.max(0, 2 * x + k));
                    s += KERNEL[k + 2] * img[y * w + xx];
                }
                rows[y * ow + x] = s;
            }
        }
        float[] out = new float[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                float s = 0;
                for (int k = -2; k <= 2; k++) {
                    int yy = Math.min(h - 1, Math.max(0, 2 * y + k));
                    s += KERNEL[k + 2] * rows[yy * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    /**
     * Upsample to (th, tw): out(y) = Σ_k 2·w(k)·in((y − k)/2) over the k with y − k even, per axis; the
     * factor 2 per axis keeps a constant image constant.
     */
    private static float[] expand(float[] img, int h, int w, int th, int tw) {
        float[] rows = new float[h * tw];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < tw; x++) {
                float s = 0;
                for (int k = -2; k <= 2; k++) {
                    int src = x - k;
                    if ((src & 1) != 0) {
                        continue;
                    }
                    int xx = Math.min(w - 1, Math.max(0, src / 2));
                    s += 2 * KERNEL[k + 2] * img[y * w + xx];
                }
                rows[y * tw + x] = s;
            }
        }
        float[] out = new float[th * tw];
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                float s = 0;
                for (int k = -2; k <= 2; k++) {
                    int src = y - k;
                    if ((src & 1) != 0) {
                        continue;
                    }
                    int yy = Math.min(h - 1, Math.max(0, src / 2));
                    s += 2 * KERNEL[k + 2] * rows[yy * tw + x];
                }
                out[y * tw + x] = s;
            }
        }
        return out;
    }
}
