package dev.perennial.deepfake.synthetic;

import dev.perennial.deepfake.video.VideoBlend;
import java.util.SplittableRandom;

/**
 * Procedural manipulations of a rendered face, each applied inside the soft face mask M with a strength
 * s ∈ (0, 1] (specs/deepfake.md §C.9: self-blend, warp drift, frequency / resolution artifacts). Every one is a
 * self-blend x_f = x + s·M ⊙ (m(x) − x) of the real face x with a manipulated copy m(x), so s = 0 is the real face
 * and small s is a subtle, "high-quality" fake.
 */
public enum ForgeryType {
    /** Colour and contrast mismatch of the inner face (SBI's blending boundary). */
    BLEND,
    /** High-frequency noise in the face (a generator's texture artifact). */
    NOISE,
    /** Smooth geometric warp of the face (the drift VB reproduces). */
    WARP,
    /** A blurred face (a smoothing artifact). */
    BLUR,
    /** A face rendered at half resolution and upsampled (a resolution artifact). */
    UPSAMPLE;

    /**
     * The manipulated copy m(x).
     *
     * @param x the real image, C·H·W in [0, 1]
     * @param channels C
     * @param size H = W
     * @param random the generator
     * @return m(x), same layout
     */
    float[] manipulate(float[] x, int channels, int size, SplittableRandom random) {
        int plane = size * size;
        float[] m = new float[x.length];
        switch (this) {
            case BLEND -> {
                for (int c = 0; c < channels; c++) {
                    float shift = (float) random.nextDouble(-0.35, 0.35);
                    float gain = (float) random.nextDouble(0.7, 1.3);
                    for (int p = 0; p < plane; p++) {
                        m[c * plane + p] = clamp(0.5f + (x[c * plane + p] - 0.5f) * gain + shift);
                    }
                }
            }
            case NOISE -> {
                for (int i = 0; i < x.length; i++) {
                    m[i] = clamp(x[i] + (float) random.nextDouble(-0.35, 0.35));
                }
            }
            case WARP -> m = VideoBlend.warp(x, channels, size, size,
                    VideoBlend.displacementField(size, size, 4, 3.0, random));
            case BLUR -> {
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < size; y++) {
                        for (int xx = 0; xx < size; xx++) {
                            float sum = 0;
                            int n = 0;
                            for (int dy = -2; dy <= 2; dy++) {
                                for (int dx = -2; dx <= 2; dx++) {
                                    int yy = y + dy;
                                    int xs = xx + dx;
                                    if (yy >= 0 && yy < size && xs >= 0 && xs < size) {
                                        sum += x[c * plane + yy * size + xs];
                                        n++;
                                    }
                                }
                            }
                            m[c * plane + y * size + xx] = sum / n;
                        }
                    }
                }
            }
            case UPSAMPLE -> {
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < size; y++) {
                        for (int xx = 0; xx < size; xx++) {
                            // Nearest-neighbour from the 2×2-averaged half-resolution image: blocky edges.
                            int y0 = y / 2 * 2;
                            int x0 = xx / 2 * 2;
                            float sum = 0;
                            for (int dy = 0; dy < 2; dy++) {
                                for (int dx = 0; dx < 2; dx++) {
                                    sum += x[c * plane + Math.min(size - 1, y0 + dy) * size + Math.min(size - 1, x0 + dx)];
                                }
                            }
                            m[c * plane + y * size + xx] = sum / 4;
                        }
                    }
                }
            }
            default -> throw new AssertionError(this);
        }
        return m;
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
