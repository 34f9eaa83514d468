package dev.perennial.augmentation.mixing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.augmentation.TestStep;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CutmixAugmenterTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void pixelsComeFromOneImageOrItsPartnerAndTheWeightIsTheKeptArea() {
        int n = 6;
        int h = 10;
        int w = 12;
        // Image i is the constant i + 1 (scaled), so every output pixel names its source.
        float[] values = new float[n * 2 * h * w];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i;
            java.util.Arrays.fill(values, i * 2 * h * w, (i + 1) * 2 * h * w, (i + 1) / 10f);
        }
        Batch in = TestStep.batch(manager.create(labels), "image",
                manager.create(values, new ai.djl.ndarray.types.Shape(n, 2, h, w)));
        for (long seed = 0; seed < 10; seed++) {
            Batch out = new CutmixAugmenter(new CutmixConfig(1.0, 1.0, "image"), 7)
                    .apply(in, TestStep.training(manager, seed));
            LabelMix mix = out.labelMix().orElseThrow();
            long[] partner = mix.secondLabels().toLongArray();
            float[] weight = mix.weights().toFloatArray();
            NDArray y = out.input("image");
            assertEquals(in.input("image").getShape(), y.getShape());
            for (int i = 0; i < n; i++) {
                float[] px = y.get(i).toFloatArray();
                int own = 0;
                for (float v : px) {
                    boolean fromSelf = v == (i + 1) / 10f;
                    boolean fromPartner = v == (partner[i] + 1) / 10f;
                    assertTrue(fromSelf || fromPartner, "pixel " + v + " of sample " + i);
                    own += fromSelf ? 1 : 0;
                }
                assertTrue(weight[i] >= 0 && weight[i] <= 1);
                if (partner[i] != i) {
                    assertEquals(own / (double) px.length, weight[i], 1e-6, "kept fraction of sample " + i);
                }
            }
        }
    }

    @Test
    void boxFollowsThePaperSizes() {
        SplittableRandom r = new SplittableRandom(1);
        for (int k = 0; k < 100; k++) {
            double lambda = r.nextDouble();
            CutmixBox box = CutmixBox.draw(lambda, 32, 32, r);
            assertTrue(box.y0() >= 0 && box.y1() <= 32 && box.x0() >= 0 && box.x1() <= 32);
            int cut = (int) (32 * Math.sqrt(1 - lambda));
            assertTrue(box.y1() - box.y0() <= cut && box.x1() - box.x0() <= cut);
            float[] plane = box.plane();
            double inside = 0;
            for (float v : plane) {
                inside += v;
            }
            assertEquals(1 - inside / plane.length, box.keptFraction(), 1e-12);
        }
        assertEquals(1.0, CutmixBox.draw(1.0, 8, 8, r).keptFraction(), 0.0, "lambda = 1 cuts nothing");
    }

    @Test
    void sameSeedSameBatch() {
        Batch in = TestStep.batch(manager.create(new long[] {0, 1, 2, 3}), "image",
                manager.randomUniform(0f, 1f, new ai.djl.ndarray.types.Shape(4, 3, 8, 8)));
        CutmixConfig c = new CutmixConfig(1, 1, "image");
        assertArrayEquals(new CutmixAugmenter(c, 2).apply(in, TestStep.training(manager, 4)).input("image").toFloatArray(),
                new CutmixAugmenter(c, 2).apply(in, TestStep.training(manager, 4)).input("image").toFloatArray());
    }

    @Test
    void badConfigNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CutmixConfig(-1, 0.5, "image"));
        assertTrue(e.getMessage().contains("cutmix") && e.getMessage().contains("'alpha'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CutmixConfig(1, 0.5, " "));
        assertTrue(e.getMessage().contains("'imageInput'"), e.getMessage());
    }
}
