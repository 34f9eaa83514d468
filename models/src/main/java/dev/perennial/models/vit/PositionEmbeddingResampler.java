package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;

/**
 * Resizes a learned absolute position embedding to another patch grid, as timm's
 * {@code resample_abs_pos_embed}: the prefix tokens (class token) are kept, the grid part is resized as a
 * (D, H, W) image with {@code F.interpolate(..., align_corners=False)}.
 *
 * <p>timm's default, used when a checkpoint is loaded into a model of another image size, is <b>bicubic with
 * antialias=True</b>; that is also {@link #TIMM_DEFAULT} here. The arithmetic is done in Java in double precision
 * and reproduces PyTorch's kernels: without antialias, the cubic convolution with A = −0.75 (bicubic) or the
 * two-tap linear filter (bilinear) at source coordinate {@code (i + 0.5)·in/out − 0.5}; with antialias, PyTorch's
 * separable Pillow-style filter (cubic A = −0.5, or triangle) whose support widens by in/out when shrinking.
 */
public final class PositionEmbeddingResampler {

    /** The interpolation kernel. */
    public enum Interpolation {
        /** Cubic convolution. */
        BICUBIC,
        /** Linear interpolation. */
        BILINEAR
    }

    /**
     * The interpolation settings.
     *
     * @param interpolation the kernel
     * @param antialias PyTorch's {@code antialias} flag
     */
    public record Mode(Interpolation interpolation, boolean antialias) {}

    /** timm's default for {@code resample_abs_pos_embed}: bicubic, antialias. */
    public static final Mode TIMM_DEFAULT = new Mode(Interpolation.BICUBIC, true);

    private PositionEmbeddingResampler() {}

    /**
     * Resizes a position embedding.
     *
     * @param posEmbed (1, prefix + oldH·oldW, D)
     * @param prefixTokens tokens before the grid (1 for the class token)
     * @param oldHeight old grid rows
     * @param oldWidth old grid columns
     * @param newHeight new grid rows
     * @param newWidth new grid columns
     * @param mode interpolation settings
     * @return (1, prefix + newH·newW, D), float32, on the manager of {@code posEmbed}
     */
    public static NDArray resample(
            NDArray posEmbed,
            int prefixTokens,
            int oldHeight,
            int oldWidth,
            int newHeight,
            int newWidth,
            Mode mode) {
        Shape s = posEmbed.getShape();
        if (s.dimension() != 3 || s.get(0) != 1 || s.get(1) != prefixTokens + (long) oldHeight * oldWidth) {
            throw new IllegalArgumentException(
                    "pos_embed must be (1, " + prefixTokens + " + " + oldHeight + "*" + oldWidth + ", D), got " + s);
        }
        if (newHeight <= 0 || newWidth <= 0) {
            throw new IllegalArgumentException("new grid must be positive, got " + newHeight + "x" + newWidth);
        }
        int d = (int) s.get(2);
        float[] src = posEmbed.toType(DataType.FLOAT32, false).toFloatArray();
        double[][] wy = weights(oldHeight, newHeight, mode);
        double[][] wx = weights(oldWidth, newWidth, mode);
        int prefixValues = prefixTokens * d;
        float[] out = new float[prefixValues + newHeight * newWidth * d];
        System.arraycopy(src, 0, out, 0, prefixValues);
        // Separable: resize columns first (PyTorch's antialiased path is horizontal then vertical as well).
        double[] tmp = new double[oldHeight * newWidth * d];
        for (int y = 0; y < oldHeight; y++) {
            for (int x = 0; x < newWidth; x++) {
                double[] w = wx[x];
                for (int j = 0; j < oldWidth; j++) {
                    if (w[j] == 0) {
                        continue;
                    }
                    int srcBase = prefixValues + (y * oldWidth + j) * d;
                    int dstBase = (y * newWidth + x) * d;
                    for (int c = 0; c < d; c++) {
                        tmp[dstBase + c] += w[j] * src[srcBase + c];
                    }
                }
            }
        }
        for (int y = 0; y < newHeight; y++) {
            double[] w = wy[y];
            for (int x = 0; x < newWidth; x++) {
                int dstBase = prefixValues + (y * newWidth + x) * d;
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int i = 0; i < oldHeight; i++) {
                        if (w[i] != 0) {
                            acc += w[i] * tmp[(i * newWidth + x) * d + c];
                        }
                    }
                    out[dstBase + c] = (float) acc;
                }
            }
        }
        NDManager manager = posEmbed.getManager();
        return Owned.floats(manager, out, new Shape(1, prefixTokens + (long) newHeight * newWidth, d));
    }

    /**
     * The 1-D resampling matrix, row {@code o} holding the weights of every input position for output {@code o}.
     *
     * @param in input length
     * @param out output length
     * @param mode interpolation settings
     * @return (out × in) weights
     */
    static double[][] weights(int in, int out, Mode mode) {
        double[][] w = new double[out][in];
        double scale = (double) in / out;
        if (mode.antialias()) {
            int interpSize = mode.interpolation() == Interpolation.BICUBIC ? 4 : 2;
            double support = interpSize / 2.0 * Math.max(scale, 1.0);
            double invScale = scale >= 1.0 ? 1.0 / scale : 1.0;
            for (int o = 0; o < out; o++) {
                double center = scale * (o + 0.5);
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), in);
                double total = 0;
                for (int j = min; j < max; j++) {
                    double v = aaFilter(mode.interpolation(), (j - center + 0.5) * invScale);
                    w[o][j] = v;
                    total += v;
                }
                if (total != 0) {
                    for (int j = min; j < max; j++) {
                        w[o][j] /= total;
                    }
                }
            }
        } else if (mode.interpolation() == Interpolation.BICUBIC) {
            for (int o = 0; o < out; o++) {
                double real = scale * (o + 0.5) - 0.5;
                int base = (int) Math.floor(real);
                double t = real - base;
                double[] coefficients = {
                    cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)
                };
                for (int k = 0; k < 4; k++) {
                    int idx = Math.min(Math.max(base - 1 + k, 0), in - 1);
                    w[o][idx] += coefficients[k];
                }
            }
        } else {
            for (int o = 0; o < out; o++) {
                double real = Math.max(scale * (o + 0.5) - 0.5, 0);
                int i0 = (int) real;
                int i1 = i0 < in - 1 ? i0 + 1 : i0;
                double l1 = real - i0;
                w[o][i0] += 1 - l1;
                w[o][i1] += l1;
            }
        }
        return w;
    }

    private static final double CUBIC_A = -0.75;

    private static double cubicNear(double x) {
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    private static double cubicFar(double x) {
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }

    private static double aaFilter(Interpolation interpolation, double x) {
        double a = Math.abs(x);
        if (interpolation == Interpolation.BILINEAR) {
            return a < 1 ? 1 - a : 0;
        }
        final double cubicAa = -0.5;
        if (a < 1) {
            return ((cubicAa + 2) * a - (cubicAa + 3)) * a * a + 1;
        }
        if (a < 2) {
            return (((a - 5) * a + 8) * a - 4) * cubicAa;
        }
        return 0;
    }
}
