package dev.perennial.augmentation;

/**
 * A direct two-dimensional discrete Fourier transform of one H×W plane in double precision, computed as a DFT
 * along each row and then along each column (O(H·W·(H+W)), fine for the small images augmenters see). It
 * works for any H and W, not only powers of two. Saliency uses it on the CPU side, and the tests use it as the
 * reference the tensor implementations are checked against.
 *
 * <p>Convention (numpy / torch): {@code F[u,v] = Σ_y Σ_x f[y,x] · exp(−2πi(uy/H + vx/W))}, and the inverse
 * carries the factor 1/(H·W).
 */
public final class DiscreteFourierTransform2d {

    private DiscreteFourierTransform2d() {}

    /**
     * The forward transform, in place.
     *
     * @param re real parts, H·W row-major, replaced by the spectrum's real parts
     * @param im imaginary parts, same layout
     * @param height H
     * @param width W
     */
    public static void forward(double[] re, double[] im, int height, int width) {
        transform(re, im, height, width, -1);
    }

    /**
     * The inverse transform, in place, including the 1/(H·W) factor.
     *
     * @param re real parts, H·W row-major
     * @param im imaginary parts
     * @param height H
     * @param width W
     */
    public static void inverse(double[] re, double[] im, int height, int width) {
        transform(re, im, height, width, +1);
        double scale = 1.0 / ((double) height * width);
        for (int i = 0; i < re.length; i++) {
            re[i] *= scale;
            im[i] *= scale;
        }
    }

    private static void transform(double[] re, double[] im, int height, int width, int sign) {
        if (re.length != height * width || im.length != height * width) {
            throw new IllegalArgumentException("DFT arrays hold " + re.length + " and " + im.length
                    + " values; expected " + height + "×" + width);
        }
        double[] rowRe = new double[width];
        double[] rowIm = new double[width];
        for (int y = 0; y < height; y++) {
            System.arraycopy(re, y * width, rowRe, 0, width);
            System.arraycopy(im, y * width, rowIm, 0, width);
            double[][] out = dft1d(rowRe, rowIm, sign);
            System.arraycopy(out[0], 0, re, y * width, width);
            System.arraycopy(out[1], 0, im, y * width, width);
        }
        double[] colRe = new double[height];
        double[] colIm = new double[height];
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                colRe[y] = re[y * width + x];
                colIm[y] = im[y * width + x];
            }
            double[][] out = dft1d(colRe, colIm, sign);
            for (int y = 0; y < height; y++) {
                re[y * width + x] = out[0][y];
                im[y * width + x] = out[1][y];
            }
        }
    }

    private static double[][] dft1d(double[] re, double[] im, int sign) {
        int n = re.length;
        double[] cos = new double[n];
        double[] sin = new double[n];
        for (int k = 0; k < n; k++) {
            double angle = 2 * Math.PI * k / n;
            cos[k] = Math.cos(angle);
            sin[k] = Math.sin(angle);
        }
        double[] outRe = new double[n];
        double[] outIm = new double[n];
        for (int k = 0; k < n; k++) {
            double sr = 0;
            double si = 0;
            for (int j = 0; j < n; j++) {
                int idx = (int) (((long) k * j) % n);
                double c = cos[idx];
                double s = sign * sin[idx];
                // (re + i·im)(c + i·s)
                sr += re[j] * c - im[j] * s;
                si += re[j] * s + im[j] * c;
            }
            outRe[k] = sr;
            outIm[k] = si;
        }
        return new double[][] {outRe, outIm};
    }
}
