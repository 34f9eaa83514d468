package dev.perennial.augmentation.deda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.TestStep;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpectralResidualSaliencyTest {

    /** A bright 8×8 patch at (18..25, 4..11) on a dim, slightly noisy 32×32 background. */
    private static float[] scene(int channels, long seed) {
        int n = 32;
        Random r = new Random(seed);
        float[] img = new float[channels * n * n];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    boolean in = y >= 18 && y < 26 && x >= 4 && x < 12;
                    img[c * n * n + y * n + x] = in ? 0.9f : 0.2f + 0.05f * r.nextFloat();
                }
            }
        }
        return img;
    }

    @Test
    void findsTheObject() {
        SpectralResidualSaliency saliency = new SpectralResidualSaliency(0.125, 3.0);
        float[] mask = saliency.mask(scene(3, 1), 3, 32, 32);
        double inside = 0;
        double total = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                float v = mask[y * 32 + x];
                assertTrue(v == 0f || v == 1f);
                total += v;
                // the patch grown by the blur radius
                if (y >= 14 && y < 30 && x >= 0 && x < 16) {
                    inside += v;
                }
            }
        }
        assertTrue(total > 0, "something is salient");
        assertTrue(inside / total > 0.9, "the salient pixels sit on the patch: " + inside + " of " + total);
    }

    @Test
    void saliencyIsNormalisedAndMasksHaveTheBatchLayout() {
        SpectralResidualSaliency saliency = new SpectralResidualSaliency(0.125, 3.0);
        float[] s = saliency.saliency(scene(1, 2), 1, 32, 32);
        float max = 0;
        for (float v : s) {
            assertTrue(v >= 0);
            max = Math.max(max, v);
        }
        assertEquals(1f, max, 1e-6f);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] two = new float[2 * 3 * 32 * 32];
            System.arraycopy(scene(3, 3), 0, two, 0, 3 * 32 * 32);
            System.arraycopy(scene(3, 4), 0, two, 3 * 32 * 32, 3 * 32 * 32);
            NDArray images = m.create(two, new Shape(2, 3, 32, 32));
            NDArray masks = saliency.masks(TestStep.batch(m.create(new long[] {0, 1}), "image", images), images,
                    TestStep.training(m, 1));
            assertEquals(new Shape(2, 1, 32, 32), masks.getShape());
        }
    }

    @Test
    void aConstantImageHasNoObject() {
        float[] flat = new float[3 * 16 * 16];
        java.util.Arrays.fill(flat, 0.5f);
        float[] mask = new SpectralResidualSaliency(0.125, 3.0).mask(flat, 3, 16, 16);
        double total = 0;
        for (float v : mask) {
            total += v;
        }
        assertTrue(total < 16 * 16, "not everything is an object");
    }
}
