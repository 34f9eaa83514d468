package dev.perennial.augmentation.deda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HoleFillTest {

    private static boolean[] square(int n, int y0, int y1, int x0, int x1) {
        boolean[] hole = new boolean[n * n];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                hole[y * n + x] = true;
            }
        }
        return hole;
    }

    @Test
    void harmonicFillReproducesALinearGradient() {
        int n = 20;
        float[] img = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                img[y * n + x] = 0.02f * x + 0.01f * y;
            }
        }
        float[] holed = img.clone();
        boolean[] hole = square(n, 6, 12, 7, 13);
        for (int i = 0; i < hole.length; i++) {
            if (hole[i]) {
                holed[i] = 0f;
            }
        }
        HoleFill.HARMONIC.fill(holed, 1, n, n, hole, 300);
        for (int i = 0; i < img.length; i++) {
            assertEquals(img[i], holed[i], 1e-3, "a linear function is harmonic; pixel " + i);
        }
    }

    @Test
    void aFewSweepsFromTheOnionPeelAreCloseToTheHarmonicSolution() {
        int n = 32;
        float[] img = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                img[y * n + x] = 0.02f * x + 0.01f * y;
            }
        }
        boolean[] hole = square(n, 5, 27, 6, 26);
        double[] errors = new double[3];
        int[] sweeps = {0, 20, 200};
        for (int s = 0; s < sweeps.length; s++) {
            float[] holed = img.clone();
            HoleFill.HARMONIC.fill(holed, 1, n, n, hole, sweeps[s]);
            for (int i = 0; i < img.length; i++) {
                errors[s] = Math.max(errors[s], Math.abs(img[i] - holed[i]));
            }
        }
        assertTrue(errors[1] < errors[0] && errors[2] < errors[1], java.util.Arrays.toString(errors));
        assertTrue(errors[1] < 0.05, "20 sweeps: " + errors[1]);
        assertTrue(errors[2] < 1e-3, "200 sweeps: " + errors[2]);
    }

    @Test
    void meanFillUsesTheBackgroundMeanPerChannel() {
        int n = 4;
        float[] img = new float[2 * n * n];
        for (int i = 0; i < n * n; i++) {
            img[i] = i < 8 ? 0.2f : 0.6f;
            img[n * n + i] = 0.9f;
        }
        boolean[] hole = square(n, 0, 1, 0, 2);
        HoleFill.MEAN.fill(img, 2, n, n, hole, 0);
        float expected = (6 * 0.2f + 8 * 0.6f) / 14f;
        assertEquals(expected, img[0], 1e-6);
        assertEquals(expected, img[1], 1e-6);
        assertEquals(0.9f, img[n * n], 1e-6);
    }

    @Test
    void constantBackgroundStaysConstant() {
        int n = 10;
        float[] img = new float[n * n];
        java.util.Arrays.fill(img, 0.37f);
        boolean[] hole = square(n, 2, 7, 3, 9);
        for (int i = 0; i < hole.length; i++) {
            if (hole[i]) {
                img[i] = 1f;
            }
        }
        HoleFill.HARMONIC.fill(img, 1, n, n, hole, 50);
        for (float v : img) {
            assertEquals(0.37f, v, 1e-6);
        }
    }

    @Test
    void holeIsTheThresholdedMaskGrownByTheDilation() {
        float[] alpha = new float[25];
        alpha[12] = 0.8f; // centre of 5×5
        alpha[0] = 0.3f; // below threshold
        boolean[] plain = HoleFill.hole(alpha, 5, 5, 0.5, 0);
        assertTrue(plain[12]);
        assertFalse(plain[0]);
        boolean[] grown = HoleFill.hole(alpha, 5, 5, 0.5, 1);
        int count = 0;
        for (boolean b : grown) {
            count += b ? 1 : 0;
        }
        assertEquals(9, count);
        assertTrue(grown[6] && grown[18] && !grown[0]);
    }

    @Test
    void aHoleCoveringEverythingIsRefused() {
        boolean[] all = new boolean[4];
        java.util.Arrays.fill(all, true);
        assertThrows(IllegalArgumentException.class, () -> HoleFill.MEAN.fill(new float[4], 1, 2, 2, all, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HoleFill.parse("telea"));
        assertTrue(e.getMessage().contains("'holeFill'") && e.getMessage().contains("mean, harmonic"));
    }
}
