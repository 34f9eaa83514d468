package dev.perennial.llava.image;

/**
 * PIL's {@code Image.resize(size, Image.BICUBIC)} for 8-bit images, reproduced step by step so that LLaVA's
 * preprocessing gives the same bytes: separable convolution (horizontal pass, then vertical), the cubic kernel
 * with a = −0.5 (Keys 1981) stretched by the scale when downsampling (antialiasing), weights normalised per output
 * pixel and rounded to 22-bit fixed point, each pass rounded and clipped to 0…255 (Pillow {@code Resample.c}).
 */
final class BicubicResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private BicubicResize() {}

    private static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Fixed-point weights per output position: bounds[2i] = first input, bounds[2i+1] = count. */
    private record Coefficients(int[] bounds, int[][] weights) {}

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int[] bounds = new int[outSize * 2];
        int[][] weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double[] k = new double[xmax];
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double w = cubic((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            int[] fixed = new int[xmax];
            for (int x = 0; x < xmax; x++) {
                double w = ww == 0 ? 0 : k[x] / ww;
                fixed[x] = (int) (w * (1 << PRECISION_BITS) + (w < 0 ? -0.5 : 0.5));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
            weights[xx] = fixed;
        }
        return new Coefficients(bounds, weights);
    }

    private static int clip8(long v) {
        long shifted = v >> PRECISION_BITS;
        return (int) Math.max(0, Math.min(255, shifted));
    }

    /**
     * Resizes an image.
     *
     * @param image the source
     * @param width target width
     * @param height target height
     * @return the resized image (the source itself when the size is unchanged, as PIL returns a copy)
     */
    static RgbImage resize(RgbImage image, int width, int height) {
        RgbImage out = image;
        if (width != out.width()) {
            Coefficients c = coefficients(out.width(), width);
            byte[] dst = new byte[width * out.height() * 3];
            for (int y = 0; y < out.height(); y++) {
                for (int xx = 0; xx < width; xx++) {
                    int xmin = c.bounds()[2 * xx];
                    int[] k = c.weights()[xx];
                    for (int ch = 0; ch < 3; ch++) {
                        long ss = 1L << (PRECISION_BITS - 1);
                        for (int x = 0; x < k.length; x++) {
                            ss += (long) out.value(xmin + x, y, ch) * k[x];
                        }
                        dst[(y * width + xx) * 3 + ch] = (byte) clip8(ss);
                    }
                }
            }
            out = new RgbImage(width, out.height(), dst);
        }
        if (height != out.height()) {
            Coefficients c = coefficients(out.height(), height);
            byte[] dst = new byte[out.width() * height * 3];
            for (int yy = 0; yy < height; yy++) {
                int ymin = c.bounds()[2 * yy];
                int[] k = c.weights()[yy];
                for (int x = 0; x < out.width(); x++) {
                    for (int ch = 0; ch < 3; ch++) {
                        long ss = 1L << (PRECISION_BITS - 1);
                        for (int y = 0; y < k.length; y++) {
                            ss += (long) out.value(x, ymin + y, ch) * k[y];
                        }
                        dst[(yy * out.width() + x) * 3 + ch] = (byte) clip8(ss);
                    }
                }
            }
            out = new RgbImage(out.width(), height, dst);
        }
        return out;
    }
}
