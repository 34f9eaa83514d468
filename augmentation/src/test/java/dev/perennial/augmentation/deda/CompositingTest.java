package dev.perennial.augmentation.deda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property D8 of specs/de-da.md and the plain composite formula. */
class CompositingTest {

    private static final int N = 64;

    /** A textured object in a centred 32×32 square on a textured background, one channel. */
    private static ObjectLayer object(long seed) {
        Random r = new Random(seed);
        float[] rgb = new float[N * N];
        float[] alpha = new float[N * N];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                rgb[y * N + x] = 0.6f + 0.3f * r.nextFloat();
                alpha[y * N + x] = y >= 16 && y < 48 && x >= 16 && x < 48 ? 1f : 0f;
            }
        }
        return new ObjectLayer(rgb, alpha, 1, N, N);
    }

    private static float[] background(long seed) {
        Random r = new Random(seed);
        float[] bg = new float[N * N];
        for (int i = 0; i < bg.length; i++) {
            bg[i] = 0.1f + 0.2f * r.nextFloat();
        }
        return bg;
    }

    private static int distanceToBoundary(int y, int x) {
        int dy = Math.min(Math.abs(y - 16), Math.abs(y - 47));
        int dx = Math.min(Math.abs(x - 16), Math.abs(x - 47));
        boolean inside = y >= 16 && y < 48 && x >= 16 && x < 48;
        return inside ? Math.min(dy, dx) : Math.max(y < 16 || y >= 48 ? Math.min(Math.abs(y - 15), Math.abs(y - 48)) : 0,
                x < 16 || x >= 48 ? Math.min(Math.abs(x - 15), Math.abs(x - 48)) : 0);
    }

    @Test
    void alphaIsTheSpecsFormula() {
        ObjectLayer o = object(1);
        float[] bg = background(2);
        float[] out = Compositing.ALPHA.composite(o, bg, 1, 3);
        for (int i = 0; i < out.length; i++) {
            assertEquals(o.alpha()[i] * o.rgb()[i] + (1 - o.alpha()[i]) * bg[i], out[i], 1e-7f);
        }
    }

    @Test
    void pyramidAndFeatherEqualAlphaFarFromTheBoundary() {
        ObjectLayer o = object(3);
        float[] bg = background(4);
        float[] alpha = Compositing.ALPHA.composite(o, bg, 1, 3);
        float[] pyramid = Compositing.PYRAMID.composite(o, bg, 1, 3);
        float[] feather = Compositing.FEATHER.composite(o, bg, 1.5, 3);
        boolean differsNearBoundary = false;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                int i = y * N + x;
                int d = distanceToBoundary(y, x);
                // Three levels: the support of REDUCE/EXPAND at level 2 reaches about 2·(2 + 4) + 2 = 14 pixels.
                if (d > 14) {
                    assertEquals(alpha[i], pyramid[i], 1e-6f, "pyramid at " + y + "," + x);
                }
                if (d > 5) { // ⌈3σ⌉ = 5 for σ = 1.5
                    assertEquals(alpha[i], feather[i], 0f, "feather at " + y + "," + x);
                }
                differsNearBoundary |= d <= 1 && Math.abs(alpha[i] - pyramid[i]) > 1e-3;
            }
        }
        assertTrue(differsNearBoundary, "the pyramid blend changes the seam");
    }

    @Test
    void pyramidSoftensTheSeam() {
        // Flat object and flat background: the only edge is the seam.
        float[] rgb = new float[N * N];
        java.util.Arrays.fill(rgb, 0.9f);
        ObjectLayer o = new ObjectLayer(rgb, object(0).alpha(), 1, N, N);
        float[] bg = new float[N * N];
        java.util.Arrays.fill(bg, 0.1f);
        float hardJump = maxHorizontalJump(Compositing.ALPHA.composite(o, bg, 1, 3));
        float softJump = maxHorizontalJump(Compositing.PYRAMID.composite(o, bg, 1, 4));
        assertEquals(0.8f, hardJump, 1e-6f);
        assertTrue(softJump < 0.5f * hardJump, "largest step across the seam " + softJump);
    }

    private static float maxHorizontalJump(float[] img) {
        float m = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 1; x < N; x++) {
                m = Math.max(m, Math.abs(img[y * N + x] - img[y * N + x - 1]));
            }
        }
        return m;
    }

    @Test
    void oneLevelPyramidIsAlpha() {
        ObjectLayer o = object(5);
        float[] bg = background(6);
        assertArrayEquals(Compositing.ALPHA.composite(o, bg, 1, 3), Compositing.PYRAMID.composite(o, bg, 1, 1), 1e-7f);
    }

    @Test
    void oddSizesWork() {
        float[] rgb = new float[3 * 13 * 7];
        float[] alpha = new float[13 * 7];
        java.util.Arrays.fill(rgb, 0.5f);
        java.util.Arrays.fill(alpha, 0, 40, 1f);
        float[] bg = new float[rgb.length];
        float[] out = Compositing.PYRAMID.composite(new ObjectLayer(rgb, alpha, 3, 13, 7), bg, 1, 4);
        assertEquals(rgb.length, out.length);
        for (float v : out) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void unknownBlendIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compositing.parse("poisson"));
        assertTrue(e.getMessage().contains("'blend'") && e.getMessage().contains("alpha, feather, pyramid"));
    }
}
