package dev.perennial.deepfake.video;

import java.util.SplittableRandom;

/**
 * The array arithmetic of Video-level Blending (specs/deepfake.md §B.1.5), on one clip held as float arrays:
 * <pre>
 * x̃_τ = W_{θ_τ}(x_τ)                          bilinear warp with the displacement field θ_τ of frame τ
 * x̂_τ = x_τ + β·M ⊙ (x̃_τ − x_τ)               = β·M ⊙ x̃_τ + (1 − β·M) ⊙ x_τ
 * </pre>
 * The difference form makes a zero warp or β = 0 return the clip bit for bit.
 */
public final class VideoBlend {
    private VideoBlend() {}

    /**
     * A smooth random displacement field: uniform [−1, 1] control displacements on a g×g grid, bilinearly
     * upsampled to H×W and scaled by the strength.
     *
     * @param height H
     * @param width W
     * @param grid g ≥ 2
     * @param strength maximum displacement in pixels
     * @param random the generator
     * @return {dx, dy}, each H·W row-major
     */
    public static float[][] displacementField(int height, int width, int grid, double strength,
                                              SplittableRandom random) {
        double[] cx = new double[grid * grid];
        double[] cy = new double[grid * grid];
        for (int i = 0; i < cx.length; i++) {
            cx[i] = random.nextDouble(-1, 1);
            cy[i] = random.nextDouble(-1, 1);
        }
        float[] dx = new float[height * width];
        float[] dy = new float[height * width];
        for (int y = 0; y < height; y++) {
            double gy = height == 1 ? 0 : (double) y * (grid - 1) / (height - 1);
            for (int x = 0; x < width; x++) {
                double gx = width == 1 ? 0 : (double) x * (grid - 1) / (width - 1);
                dx[y * width + x] = (float) (strength * bilinear(cx, grid, gy, gx));
                dy[y * width + x] = (float) (strength * bilinear(cy, grid, gy, gx));
            }
        }
        return new float[][] {dx, dy};
    }

    private static double bilinear(double[] g, int n, double y, double x) {
        int y0 = Math.min((int) Math.floor(y), n - 2);
        int x0 = Math.min((int) Math.floor(x), n - 2);
        double fy = y - y0;
        double fx = x - x0;
        double a = g[y0 * n + x0] * (1 - fx) + g[y0 * n + x0 + 1] * fx;
        double b = g[(y0 + 1) * n + x0] * (1 - fx) + g[(y0 + 1) * n + x0 + 1] * fx;
        return a * (1 - fy) + b * fy;
    }

    /**
     * A soft elliptical mask centred in the crop: 1 inside (1 − softness) of the half-axes, falling linearly to 0
     * at the ellipse.
     *
     * @param height H
     * @param width W
     * @param axisX half-axis as a fraction of W
     * @param axisY half-axis as a fraction of H
     * @param softness the soft edge as a fraction of the half-axes
     * @return M, H·W row-major, values in [0, 1]
     */
    public static float[] ellipseMask(int height, int width, double axisX, double axisY, double softness) {
        float[] m = new float[height * width];
        double cy = (height - 1) / 2.0;
        double cx = (width - 1) / 2.0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double ry = (y - cy) / (axisY * height);
                double rx = (x - cx) / (axisX * width);
                double r = Math.sqrt(rx * rx + ry * ry);
                double v = r >= 1 ? 0 : softness == 0 || r <= 1 - softness ? 1 : (1 - r) / softness;
                m[y * width + x] = (float) v;
            }
        }
        return m;
    }

    /**
     * Warps one frame: out(y, x) = frame(y + dy, x + dx), bilinear, coordinates clamped to the border.
     *
     * @param frame C·H·W row-major
     * @param channels C
     * @param height H
     * @param width W
     * @param field {dx, dy}
     * @return the warped frame
     */
    public static float[] warp(float[] frame, int channels, int height, int width, float[][] field) {
        float[] out = new float[frame.length];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                double sy = Math.max(0, Math.min(height - 1, y + (double) field[1][p]));
                double sx = Math.max(0, Math.min(width - 1, x + (double) field[0][p]));
                int y0 = (int) Math.floor(sy);
                int x0 = (int) Math.floor(sx);
                int y1 = Math.min(y0 + 1, height - 1);
                int x1 = Math.min(x0 + 1, width - 1);
                float fy = (float) (sy - y0);
                float fx = (float) (sx - x0);
                for (int c = 0; c < channels; c++) {
                    int o = c * plane;
                    float v = frame[o + y0 * width + x0];
                    if (fx == 0f && fy == 0f) {
                        // Integer sample: exact, so a zero field is the identity bit for bit.
                        out[o + p] = v;
                        continue;
                    }
                    float a = v * (1 - fx) + frame[o + y0 * width + x1] * fx;
                    float b = frame[o + y1 * width + x0] * (1 - fx) + frame[o + y1 * width + x1] * fx;
                    out[o + p] = a * (1 - fy) + b * fy;
                }
            }
        }
        return out;
    }

    /**
     * Blends a frame with its warped copy: x + β·M ⊙ (x̃ − x).
     *
     * @param frame x, C·H·W
     * @param warped x̃, C·H·W
     * @param mask M, H·W
     * @param beta β
     * @return x̂
     */
    public static float[] blend(float[] frame, float[] warped, float[] mask, float beta) {
        float[] out = new float[frame.length];
        int plane = mask.length;
        for (int i = 0; i < frame.length; i++) {
            out[i] = frame[i] + beta * mask[i % plane] * (warped[i] - frame[i]);
        }
        return out;
    }
}
