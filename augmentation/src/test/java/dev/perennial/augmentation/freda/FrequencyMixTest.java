package dev.perennial.augmentation.freda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.DiscreteFourierTransform2d;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties Q1–Q6 of specs/deepfake.md §A.4, for both spectrum transforms. */
class FrequencyMixTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray random(long seed, int... shape) {
        Random r = new Random(seed);
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        Shape s = new Shape(dims);
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return manager.create(v, s);
    }

    /** The spec's formula in double precision with the Java DFT, per H×W plane, no clipping. */
    private static double[] reference(float[] real, float[] fake, float[] mask, int h, int w) {
        int n = h * w;
        double[] out = new double[real.length];
        for (int p = 0; p < real.length / n; p++) {
            double[] rr = new double[n];
            double[] ri = new double[n];
            double[] fr = new double[n];
            double[] fi = new double[n];
            for (int i = 0; i < n; i++) {
                rr[i] = real[p * n + i];
                fr[i] = fake[p * n + i];
            }
            DiscreteFourierTransform2d.forward(rr, ri, h, w);
            DiscreteFourierTransform2d.forward(fr, fi, h, w);
            double[] ar = new double[n];
            double[] ai = new double[n];
            for (int i = 0; i < n; i++) {
                ar[i] = rr[i] * mask[i] + fr[i] * (1 - mask[i]);
                ai[i] = ri[i] * mask[i] + fi[i] * (1 - mask[i]);
            }
            DiscreteFourierTransform2d.inverse(ar, ai, h, w);
            System.arraycopy(ar, 0, out, p * n, n);
        }
        return out;
    }

    private static double maxAbsDiff(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(SpectrumTransform.class)
    void matchesDoublePrecisionReference(SpectrumTransform transform) {
        for (int[] hw : new int[][] {{32, 32}, {15, 20}}) {
            NDArray real = random(1, 2, 3, hw[0], hw[1]);
            NDArray fake = random(2, 2, 3, hw[0], hw[1]);
            float[] mask = FrequencyMix.lowFrequencyMask(hw[0], hw[1], 0.2, MaskShape.CIRCLE);
            NDArray out = FrequencyMix.mix(real, fake, mask, transform, false);
            assertEquals(real.getShape(), out.getShape());
            assertEquals(DataType.FLOAT32, out.getDataType());
            double[] ref = reference(real.toFloatArray(), fake.toFloatArray(), mask, hw[0], hw[1]);
            assertTrue(maxAbsDiff(out.toFloatArray(), ref) < 1e-4,
                    transform + " " + Arrays.toString(hw) + " differs by " + maxAbsDiff(out.toFloatArray(), ref));
        }
    }

    @ParameterizedTest
    @EnumSource(SpectrumTransform.class)
    void fullMaskReturnsTheRealImageExactly(SpectrumTransform transform) {
        NDArray real = random(3, 2, 3, 16, 16);
        NDArray fake = random(4, 2, 3, 16, 16);
        // Radius 1·min(H, W) covers every frequency (the farthest is at distance 8·√2 < 16).
        NDArray out = FrequencyMix.mix(real, fake, 1.0, MaskShape.CIRCLE, transform, true);
        assertArrayEquals(real.toFloatArray(), out.toFloatArray());
    }

    @ParameterizedTest
    @EnumSource(SpectrumTransform.class)
    void emptyMaskReturnsTheFakeImageExactly(SpectrumTransform transform) {
        NDArray real = random(5, 1, 3, 16, 16);
        NDArray fake = random(6, 1, 3, 16, 16);
        NDArray out = FrequencyMix.mix(real, fake, new float[16 * 16], transform, true);
        assertArrayEquals(fake.toFloatArray(), out.toFloatArray());
    }

    @Test
    void circleMaskIsConjugateSymmetricSoTheResultIsReal() {
        int h = 32;
        int w = 32;
        float[] mask = FrequencyMix.lowFrequencyMask(h, w, 0.25, MaskShape.CIRCLE);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(mask[y * w + x], mask[((h - y) % h) * w + (w - x) % w], "M(f) = M(-f) at " + y + "," + x);
            }
        }
        Random r = new Random(7);
        double[] re = new double[h * w];
        double[] im = new double[h * w];
        for (int i = 0; i < re.length; i++) {
            re[i] = r.nextDouble();
        }
        DiscreteFourierTransform2d.forward(re, im, h, w);
        for (int i = 0; i < re.length; i++) {
            re[i] *= mask[i];
            im[i] *= mask[i];
        }
        DiscreteFourierTransform2d.inverse(re, im, h, w);
        double residue = Arrays.stream(im).map(Math::abs).max().orElseThrow();
        assertTrue(residue < 1e-12, "imaginary residue " + residue);
    }

    @Test
    void lowBandOfTheMixIsTheRealImagesSpectrum() {
        int h = 24;
        int w = 24;
        NDArray real = random(8, 1, 1, h, w);
        NDArray fake = random(9, 1, 1, h, w);
        float[] mask = FrequencyMix.lowFrequencyMask(h, w, 0.15, MaskShape.SQUARE);
        float[] out = FrequencyMix.mix(real, fake, mask, SpectrumTransform.ENGINE_FFT, false).toFloatArray();
        double[] or = toDouble(out);
        double[] oi = new double[or.length];
        double[] rr = toDouble(real.toFloatArray());
        double[] ri = new double[rr.length];
        double[] fr = toDouble(fake.toFloatArray());
        double[] fi = new double[fr.length];
        DiscreteFourierTransform2d.forward(or, oi, h, w);
        DiscreteFourierTransform2d.forward(rr, ri, h, w);
        DiscreteFourierTransform2d.forward(fr, fi, h, w);
        int inside = 0;
        for (int i = 0; i < mask.length; i++) {
            double[] expected = mask[i] == 1f ? new double[] {rr[i], ri[i]} : new double[] {fr[i], fi[i]};
            assertEquals(expected[0], or[i], 1e-3, "real part at " + i);
            assertEquals(expected[1], oi[i], 1e-3, "imaginary part at " + i);
            inside += mask[i] == 1f ? 1 : 0;
        }
        assertTrue(inside > 1 && inside < mask.length, "the mask splits the spectrum");
    }

    @ParameterizedTest
    @EnumSource(SpectrumTransform.class)
    void isLinearBeforeClipping(SpectrumTransform transform) {
        NDArray real = random(10, 2, 3, 12, 12);
        NDArray fake = random(11, 2, 3, 12, 12);
        float a = 2.5f;
        float[] scaled = FrequencyMix.mix(real.mul(a), fake.mul(a), 0.3, MaskShape.CIRCLE, transform, false)
                .toFloatArray();
        float[] base = FrequencyMix.mix(real, fake, 0.3, MaskShape.CIRCLE, transform, false).toFloatArray();
        for (int i = 0; i < base.length; i++) {
            assertEquals(a * base[i], scaled[i], 1e-4);
        }
    }

    @ParameterizedTest
    @EnumSource(SpectrumTransform.class)
    void keepsTheRealImagesMeanWhenDcIsInTheMask(SpectrumTransform transform) {
        NDArray real = random(12, 1, 1, 16, 16);
        NDArray fake = random(13, 1, 1, 16, 16).add(0.3f);
        for (double radius : new double[] {0.0, 0.1, 0.4}) {
            NDArray out = FrequencyMix.mix(real, fake, radius, MaskShape.CIRCLE, transform, false);
            assertEquals(real.mean().getFloat(), out.mean().getFloat(), 1e-5, "radius " + radius);
        }
    }

    @Test
    void clippedOutputStaysInTheUnitRange() {
        NDArray real = random(14, 2, 3, 16, 16);
        NDArray fake = random(15, 2, 3, 16, 16);
        NDArray out = FrequencyMix.mix(real, fake, 0.1, MaskShape.CIRCLE, SpectrumTransform.ENGINE_FFT, true);
        assertTrue(out.min().getFloat() >= 0f && out.max().getFloat() <= 1f);
    }

    @Test
    void resultBelongsToTheRealImagesManagerAndTemporariesAreFreed() {
        try (NDManager caller = manager.newSubManager()) {
            NDArray real = caller.randomUniform(0f, 1f, new Shape(1, 3, 8, 8));
            NDArray fake = caller.randomUniform(0f, 1f, new Shape(1, 3, 8, 8));
            int before = caller.getManagedArrays().size();
            NDArray out = FrequencyMix.mix(real, fake, 0.2, MaskShape.CIRCLE, SpectrumTransform.DFT_MATMUL, true);
            assertEquals(caller, out.getManager());
            assertEquals(caller, real.getManager());
            assertEquals(before + 1, caller.getManagedArrays().size());
        }
    }

    @Test
    void rejectsMismatchedShapesAndBadRadius() {
        NDArray a = random(1, 1, 3, 8, 8);
        NDArray b = random(2, 1, 3, 8, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrequencyMix.mix(a, b, 0.1, MaskShape.CIRCLE, SpectrumTransform.ENGINE_FFT, true));
        assertTrue(e.getMessage().contains("differs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FrequencyMix.lowFrequencyMask(8, 8, -1, MaskShape.CIRCLE));
        assertTrue(e.getMessage().contains("radius"), e.getMessage());
    }

    @Test
    void radiusZeroKeepsOnlyDc() {
        float[] mask = FrequencyMix.lowFrequencyMask(8, 10, 0, MaskShape.CIRCLE);
        assertEquals(1f, mask[0]);
        assertEquals(1.0, sum(mask), 0.0);
    }

    @ParameterizedTest
    @EnumSource(SpectrumTransform.class)
    void amplitudeMixingTakesTheRealAmplitudeAndKeepsTheFakePhase(SpectrumTransform transform) {
        int h = 16;
        int w = 12;
        NDArray real = random(20, 1, 1, h, w);
        NDArray fake = random(21, 1, 1, h, w);
        float[] mask = FrequencyMix.lowFrequencyMask(h, w, 0.25, MaskShape.CIRCLE);
        float[] out = FrequencyMix.mix(real, fake, mask, SpectrumMixing.AMPLITUDE, transform, false).toFloatArray();
        double[] or = toDouble(out);
        double[] oi = new double[or.length];
        double[] rr = toDouble(real.toFloatArray());
        double[] ri = new double[rr.length];
        double[] fr = toDouble(fake.toFloatArray());
        double[] fi = new double[fr.length];
        DiscreteFourierTransform2d.forward(or, oi, h, w);
        DiscreteFourierTransform2d.forward(rr, ri, h, w);
        DiscreteFourierTransform2d.forward(fr, fi, h, w);
        for (int i = 0; i < mask.length; i++) {
            double expectedAmp = mask[i] == 1f ? Math.hypot(rr[i], ri[i]) : Math.hypot(fr[i], fi[i]);
            assertEquals(expectedAmp, Math.hypot(or[i], oi[i]), 1e-3, "amplitude at " + i);
            double fakeAmp = Math.hypot(fr[i], fi[i]);
            if (fakeAmp > 1e-3) {
                // same phase: the cross product of the two unit vectors vanishes and their dot product is positive
                double cross = (or[i] * fi[i] - oi[i] * fr[i]) / (fakeAmp * Math.max(1e-9, Math.hypot(or[i], oi[i])));
                assertEquals(0, cross, 1e-3, "phase at " + i);
                assertTrue(or[i] * fr[i] + oi[i] * fi[i] >= 0);
            }
        }
    }

    @Test
    void amplitudeMixingWithAnEmptyMaskIsTheFake() {
        NDArray real = random(22, 1, 3, 8, 8);
        NDArray fake = random(23, 1, 3, 8, 8);
        NDArray out = FrequencyMix.mix(real, fake, new float[64], SpectrumMixing.AMPLITUDE,
                SpectrumTransform.ENGINE_FFT, true);
        assertArrayEquals(fake.toFloatArray(), out.toFloatArray());
    }

    @Test
    void bothTransformsAgreeOnAmplitudeMixing() {
        NDArray real = random(24, 2, 3, 10, 14);
        NDArray fake = random(25, 2, 3, 10, 14);
        float[] mask = FrequencyMix.lowFrequencyMask(10, 14, 0.3, MaskShape.SQUARE);
        float[] a = FrequencyMix.mix(real, fake, mask, SpectrumMixing.AMPLITUDE, SpectrumTransform.ENGINE_FFT, false)
                .toFloatArray();
        float[] b = FrequencyMix.mix(real, fake, mask, SpectrumMixing.AMPLITUDE, SpectrumTransform.DFT_MATMUL, false)
                .toFloatArray();
        assertArrayEquals(a, b, 1e-4f);
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
