package dev.perennial.augmentation.freda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The FreDA mix as a pure function on arrays (specs/deepfake.md §A.1.2):
 *
 * <pre>
 * F_r = FFT2(x_r),  F_f = FFT2(x_f)                 per channel (over the last two axes)
 * F_a = F_r ⊙ M + F_f ⊙ (1 − M)
 * x_a = Re(iFFT2(F_a)),  clipped to [0, 1]
 * </pre>
 *
 * M is 1 on the centred low-frequency disc (or square) of radius r·min(H, W) in the fftshift-ed layout, so the
 * real image supplies the low band and the fake keeps the high band. By linearity the mix is computed as
 * x_a = x_f + Re(iFFT2(M ⊙ FFT2(x_r − x_f))), one transform pair instead of two. The mask is symmetric under
 * f → −f, so the imaginary part of the inverse transform is only rounding.
 *
 * <p>The deepfake curriculum calls {@link #mix(NDArray, NDArray, double, MaskShape, SpectrumTransform, boolean)}
 * directly on its pairs; {@link FredaAugmenter} is the batch augmenter.
 */
public final class FrequencyMix {

    private static final long[] AXES = {-2, -1};

    private FrequencyMix() {}

    /**
     * The low-frequency mask M in the unshifted layout of {@code fft2} (index 0 = DC), row-major H·W.
     *
     * <p>Index k along an axis of length N has the signed frequency ((k + ⌊N/2⌋) mod N) − ⌊N/2⌋, its distance
     * from the centre (⌊N/2⌋) of the fftshift-ed layout.
     *
     * @param height H
     * @param width W
     * @param radius r as a fraction of min(H, W), ≥ 0; DC is always inside
     * @param shape circle or square
     * @return 1 inside, 0 outside
     * @throws IllegalArgumentException when the sizes are not positive or the radius is negative or not finite
     */
    public static float[] lowFrequencyMask(int height, int width, double radius, MaskShape shape) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("FreDA mask size must be positive; was " + height + "×" + width);
        }
        if (!(radius >= 0) || Double.isInfinite(radius)) {
            throw new IllegalArgumentException("FreDA radius must be a finite fraction >= 0 of min(H, W); was "
                    + radius);
        }
        double r = radius * Math.min(height, width);
        float[] mask = new float[height * width];
        for (int y = 0; y < height; y++) {
            int fy = signedFrequency(y, height);
            for (int x = 0; x < width; x++) {
                int fx = signedFrequency(x, width);
                boolean inside = switch (shape) {
                    case CIRCLE -> (double) fy * fy + (double) fx * fx <= r * r;
                    case SQUARE -> Math.max(Math.abs(fy), Math.abs(fx)) <= r;
                };
                mask[y * width + x] = inside ? 1f : 0f;
            }
        }
        return mask;
    }

    static int signedFrequency(int index, int n) {
        return ((index + n / 2) % n) - n / 2;
    }

    /**
     * Mixes a real and a fake image with a circle or square low-frequency mask.
     *
     * @param real x_r, float32 (…, H, W), values in [0, 1]
     * @param fake x_f, the same shape
     * @param radius the mask radius as a fraction of min(H, W), ≥ 0
     * @param shape the mask shape
     * @param transform how to compute the spectra
     * @param clip whether to clip the result to [0, 1] (the spec does; tests of linearity do not)
     * @return x_a, float32, the same shape, attached to {@code real}'s manager
     * @throws IllegalArgumentException when the arrays differ in shape, are not float32 or have fewer than 2 axes
     */
    public static NDArray mix(NDArray real, NDArray fake, double radius, MaskShape shape,
                              SpectrumTransform transform, boolean clip) {
        Shape s = checkPair(real, fake);
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        float[] mask = lowFrequencyMask(h, w, radius, shape);
        return mix(real, fake, mask, transform, clip);
    }

    /**
     * Mixes a real and a fake image with any mask given in the unshifted layout.
     *
     * @param real x_r, float32 (…, H, W)
     * @param fake x_f, the same shape
     * @param mask M, H·W row-major in the unshifted layout (see {@link #lowFrequencyMask}), values in [0, 1]
     * @param transform how to compute the spectra
     * @param clip whether to clip to [0, 1]
     * @return x_a attached to {@code real}'s manager
     * @throws IllegalArgumentException when shapes disagree or the mask has values outside [0, 1]
     */
    public static NDArray mix(NDArray real, NDArray fake, float[] mask, SpectrumTransform transform, boolean clip) {
        Shape s = checkPair(real, fake);
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        if (mask.length != h * w) {
            throw new IllegalArgumentException("FreDA mask holds " + mask.length + " values; the images are "
                    + h + "×" + w);
        }
        boolean allOnes = true;
        boolean allZeros = true;
        for (float m : mask) {
            if (!(m >= 0 && m <= 1)) {
                throw new IllegalArgumentException("FreDA mask values must lie in [0, 1]; found " + m);
            }
            allOnes &= m == 1f;
            allZeros &= m == 0f;
        }
        NDManager parent = real.getManager();
        NDArray out;
        try (NDManager scope = parent.newSubManager(real.getDevice())) {
            scope.tempAttachAll(real, fake);
            NDArray result;
            if (allOnes) {
                // M ≡ 1: F_a = F_r, so x_a = x_r exactly (spec property Q1); skip the round trip's rounding.
                result = real.duplicate();
            } else if (allZeros) {
                // M ≡ 0: x_a = x_f exactly (Q2).
                result = fake.duplicate();
            } else {
                NDArray m = scope.create(mask, new Shape(h, w)).toDevice(real.getDevice(), false);
                NDArray diff = real.sub(fake);
                NDArray low = switch (transform) {
                    case ENGINE_FFT -> lowPassEngine(diff, m, h, w);
                    case DFT_MATMUL -> lowPassMatmul(scope, diff, m, h, w);
                };
                result = fake.add(low);
            }
            out = clip ? result.clip(0f, 1f) : result;
            out.attach(parent);
        }
        return out;
    }

    /** Re(iFFT2(M ⊙ FFT2(d))) with the engine's complex FFT. */
    private static NDArray lowPassEngine(NDArray d, NDArray mask, int h, int w) {
        long[] sizes = {h, w};
        NDArray spectrum;
        try {
            spectrum = d.fft2(sizes, AXES);
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException("FreDA: this engine has no fft2; set the FreDA config field "
                    + "'transform' to 'dft-matmul'", e);
        }
        // real() views complex64 as float32 (…, H, W, 2): scale both parts by M, then view as complex again.
        NDArray masked = spectrum.real().mul(mask.reshape(h, w, 1)).complex();
        return masked.ifft2(sizes, AXES).real().get("..., 0");
    }

    /**
     * Re(F⁻¹ (M ⊙ F d)) with real DFT matrices: F_N = C_N − i·S_N, C[j,k] = cos(2πjk/N), S[j,k] = sin(2πjk/N);
     * Y = F_H d F_W, and the inverse is (1/HW)·conj(F_H) Z conj(F_W).
     */
    private static NDArray lowPassMatmul(NDManager scope, NDArray d, NDArray mask, int h, int w) {
        NDArray[] fh = dftMatrices(scope, h, d);
        NDArray[] fw = dftMatrices(scope, w, d);
        NDArray ch = fh[0];
        NDArray sh = fh[1];
        NDArray cw = fw[0];
        NDArray sw = fw[1];
        NDArray dc = d.matMul(cw);
        NDArray ds = d.matMul(sw);
        // (C_H − iS_H) d (C_W − iS_W) = C_H d C_W − S_H d S_W − i (S_H d C_W + C_H d S_W)
        NDArray yr = ch.matMul(dc).sub(sh.matMul(ds));
        NDArray yi = sh.matMul(dc).add(ch.matMul(ds)).neg();
        NDArray zr = yr.mul(mask);
        NDArray zi = yi.mul(mask);
        // Re[(C_H + iS_H)(Z_r + iZ_i)(C_W + iS_W)] = C_H Z_r C_W − S_H Z_r S_W − C_H Z_i S_W − S_H Z_i C_W
        NDArray re = ch.matMul(zr.matMul(cw)).sub(sh.matMul(zr.matMul(sw)))
                .sub(ch.matMul(zi.matMul(sw))).sub(sh.matMul(zi.matMul(cw)));
        return re.div((float) h * w);
    }

    private static NDArray[] dftMatrices(NDManager scope, int n, NDArray like) {
        float[] c = new float[n * n];
        float[] s = new float[n * n];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                double angle = 2 * Math.PI * (((long) j * k) % n) / n;
                c[j * n + k] = (float) Math.cos(angle);
                s[j * n + k] = (float) Math.sin(angle);
            }
        }
        return new NDArray[] {
            scope.create(c, new Shape(n, n)).toDevice(like.getDevice(), false),
            scope.create(s, new Shape(n, n)).toDevice(like.getDevice(), false)
        };
    }

    private static Shape checkPair(NDArray real, NDArray fake) {
        Shape s = real.getShape();
        if (!s.equals(fake.getShape())) {
            throw new IllegalArgumentException("FreDA: real image shape " + s + " differs from fake image shape "
                    + fake.getShape());
        }
        if (s.dimension() < 2) {
            throw new IllegalArgumentException("FreDA: images need at least 2 axes (…, H, W); got " + s);
        }
        if (real.getDataType() != DataType.FLOAT32 || fake.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("FreDA: images must be float32; got " + real.getDataType()
                    + " and " + fake.getDataType());
        }
        return s;
    }
}
