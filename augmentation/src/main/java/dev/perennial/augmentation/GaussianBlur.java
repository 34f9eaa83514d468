package dev.perennial.augmentation;

/**
 * A separable Gaussian blur of one H×W plane, with replicated borders. The kernel has radius ⌈3σ⌉ and is
 * normalised to sum 1, so a constant plane stays constant.
 */
public final class GaussianBlur {

    private GaussianBlur() {}

    /**
     * Blurs a plane.
     *
     * @param plane H·W values, row-major (not modified)
     * @param height H
     * @param width W
     * @param sigma the standard deviation in pixels; 0 returns a copy
     * @return the blurred plane
     */
    public static float[] blur(float[] plane, int height, int width, double sigma) {
        if (sigma < 0 || Double.isNaN(sigma)) {
            throw new IllegalArgumentException("blur sigma must be >= 0, was " + sigma);
        }
        if (sigma == 0) {
            return plane.clone();
        }
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        float[] tmp = new float[plane.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    int xx = Math.min(width - 1, Math.max(0, x + k));
                    acc += kernel[k + radius] * plane[y * width + xx];
                }
                tmp[y * width + x] = (float) acc;
            }
        }
        float[] out = new float[plane.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    int yy = Math.min(height - 1, Math.max(0, y + k));
                    acc += kernel[k + radius] * tmp[yy * width + x];
                }
                out[y * width + x] = (float) acc;
            }
        }
        return out;
    }
}
