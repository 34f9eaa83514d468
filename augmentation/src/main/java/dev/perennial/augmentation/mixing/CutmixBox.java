package dev.perennial.augmentation.mixing;

import java.util.SplittableRandom;

/**
 * The box cutmix pastes, half-open [y0, y1) × [x0, x1), and the label weight it implies.
 *
 * <p>Sampling follows the paper (section 3.1): r = sqrt(1 − λ), box size ⌊H·r⌋ × ⌊W·r⌋, centre uniform over the
 * image, box clipped at the borders; λ is then recomputed from the clipped area so the label weight equals the
 * fraction of pixels that still come from the first image.
 *
 * @param y0 first row
 * @param y1 one past the last row
 * @param x0 first column
 * @param x1 one past the last column
 * @param height image height
 * @param width image width
 */
public record CutmixBox(int y0, int y1, int x0, int x1, int height, int width) {

    /**
     * Draws a box.
     *
     * @param lambda the drawn kept-area fraction in [0, 1]
     * @param height H
     * @param width W
     * @param random the generator
     * @return the clipped box
     */
    public static CutmixBox draw(double lambda, int height, int width, SplittableRandom random) {
        double ratio = Math.sqrt(1 - lambda);
        int cutH = (int) (height * ratio);
        int cutW = (int) (width * ratio);
        int cy = random.nextInt(height);
        int cx = random.nextInt(width);
        int y0 = clamp(cy - cutH / 2, height);
        int y1 = clamp(cy + cutH / 2, height);
        int x0 = clamp(cx - cutW / 2, width);
        int x1 = clamp(cx + cutW / 2, width);
        return new CutmixBox(y0, y1, x0, x1, height, width);
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /**
     * The weight of the first image's label: 1 − box area / image area.
     *
     * @return a value in [0, 1]
     */
    public double keptFraction() {
        return 1.0 - (double) (y1 - y0) * (x1 - x0) / ((double) height * width);
    }

    /**
     * The box as an H·W plane: 1 inside, 0 outside.
     *
     * @return the plane
     */
    public float[] plane() {
        float[] m = new float[height * width];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m[y * width + x] = 1f;
            }
        }
        return m;
    }
}
