package dev.perennial.augmentation.freda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;

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
 * <p>{@link SpectrumMixing#AMPLITUDE} mixes amplitudes only and keeps the fake's phase (the paper's choice between
 * the two is not known; complex mixing, the formula above, is the default).
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
     * Mixes a real and a fake image with any mask given in the unshifted layout, mixing complex spectra.
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
        return mix(real, fake, mask, SpectrumMixing.COMPLEX, transform, clip);
    }

    /**
     * Mixes a real and a fake image with any mask given in the unshifted layout.
     *
     * @param real x_r, float32 (…, H, W)
     * @param fake x_f, the same shape
     * @param mask M, H·W row-major in the unshifted layout (see {@link #lowFrequencyMask}), values in [0, 1]
     * @param mixing complex spectra (the spec's formula) or amplitudes with the fake's phase
     * @param transform how to compute the spectra
     * @param clip whether to clip to [0, 1]
     * @return x_a attached to {@code real}'s manager
     * @throws IllegalArgumentException when shapes disagree or the mask has values outside [0, 1]
     */
    public static NDArray mix(NDArray real, NDArray fake, float[] mask, SpectrumMixing mixing,
                              SpectrumTransform transform, boolean clip) {
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
            if (allZeros) {
                // M ≡ 0: the fake's spectrum (or amplitude and phase) unchanged, so x_a = x_f exactly (Q2).
                result = fake.duplicate();
            } else if (allOnes && mixing == SpectrumMixing.COMPLEX) {
                // M ≡ 1: F_a = F_r, so x_a = x_r exactly (Q1); skip the round trip's rounding.
                result = real.duplicate();
            } else {
                NDArray m = Owned.floats(scope, mask, new Shape(h, w)).toDevice(real.getDevice(), false);
                result = switch (mixing) {
                    case COMPLEX -> {
                        // Linearity: x_a = x_f + Re(iFFT2(M ⊙ FFT2(x_r − x_f))), one transform pair.
                        NDArray[] d = forward(scope, real.sub(fake), transform, h, w);
                        yield fake.add(inverseReal(scope, d[0].mul(m), d[1].mul(m), transform, h, w));
                    }
                    case AMPLITUDE -> {
                        NDArray[] r = forward(scope, real, transform, h, w);
                        NDArray[] f = forward(scope, fake, transform, h, w);
                        NDArray ampR = r[0].square().add(r[1].square()).sqrt();
                        NDArray ampF = f[0].square().add(f[1].square()).sqrt();
                        NDArray amp = ampR.mul(m).add(ampF.mul(m.neg().add(1f)));
                        // The fake's phase as a unit vector; where the fake has no energy, phase 0.
                        NDArray nonzero = ampF.gt(0f);
                        NDArray safe = ampF.maximum(1e-30f);
                        NDArray cos = NDArrays.where(nonzero, f[0].div(safe), scope.ones(ampF.getShape())
                                .toDevice(ampF.getDevice(), false));
                        NDArray sin = NDArrays.where(nonzero, f[1].div(safe), scope.zeros(ampF.getShape())
                                .toDevice(ampF.getDevice(), false));
                        yield inverseReal(scope, amp.mul(cos), amp.mul(sin), transform, h, w);
                    }
                };
            }
            out = clip ? result.clip(0f, 1f) : result;
            out.attach(parent);
        }
        return out;
    }

    /** The spectrum over the last two axes as {real part, imaginary part}, float32 (…, H, W). */
    private static NDArray[] forward(NDManager scope, NDArray x, SpectrumTransform transform, int h, int w) {
        if (transform == SpectrumTransform.ENGINE_FFT) {
            NDArray spectrum;
            try {
                spectrum = x.fft2(new long[] {h, w}, AXES);
            } catch (UnsupportedOperationException e) {
                throw new UnsupportedOperationException("FreDA: this engine has no fft2; set the FreDA config "
                        + "field 'transform' to 'dft-matmul'", e);
            }
            // real() views complex64 as float32 (…, H, W, 2).
            NDArray parts = spectrum.real();
            return new NDArray[] {parts.get("..., 0"), parts.get("..., 1")};
        }
        // F_N = C_N − i·S_N with C[j,k] = cos(2πjk/N), S[j,k] = sin(2πjk/N):
        // F_H x F_W = C_H x C_W − S_H x S_W − i (S_H x C_W + C_H x S_W)
        NDArray[] fh = dftMatrices(scope, h, x);
        NDArray[] fw = dftMatrices(scope, w, x);
        NDArray xc = x.matMul(fw[0]);
        NDArray xs = x.matMul(fw[1]);
        NDArray re = fh[0].matMul(xc).sub(fh[1].matMul(xs));
        NDArray im = fh[1].matMul(xc).add(fh[0].matMul(xs)).neg();
        return new NDArray[] {re, im};
    }

    /** Re(iFFT2(re + i·im)) over the last two axes. */
    private static NDArray inverseReal(NDManager scope, NDArray re, NDArray im, SpectrumTransform transform,
                                       int h, int w) {
        if (transform == SpectrumTransform.ENGINE_FFT) {
            NDArray complex = re.expandDims(-1).concat(im.expandDims(-1), -1).complex();
            return complex.ifft2(new long[] {h, w}, AXES).real().get("..., 0");
        }
        // F⁻¹ = (1/HW)·conj(F_H) · conj(F_W):
        // Re[(C_H + iS_H)(Z_r + iZ_i)(C_W + iS_W)] = C_H Z_r C_W − S_H Z_r S_W − C_H Z_i S_W − S_H Z_i C_W
        NDArray[] fh = dftMatrices(scope, h, re);
        NDArray[] fw = dftMatrices(scope, w, re);
        NDArray ch = fh[0];
        NDArray sh = fh[1];
        NDArray cw = fw[0];
        NDArray sw = fw[1];
        NDArray out = ch.matMul(re.matMul(cw)).sub(sh.matMul(re.matMul(sw)))
                .sub(ch.matMul(im.matMul(sw))).sub(sh.matMul(im.matMul(cw)));
        return out.div((float) h * w);
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
            Owned.floats(scope, c, new Shape(n, n)).toDevice(like.getDevice(), false),
            Owned.floats(scope, s, new Shape(n, n)).toDevice(like.getDevice(), false)
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
