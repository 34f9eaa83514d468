package dev.perennial.augmentation.randaugment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.TestStep;
import dev.perennial.spi.Batch;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RandAugmentTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Batch batch() {
        return TestStep.batch(manager.create(new long[] {0, 1, 2, 3}), "image",
                manager.randomUniform(0f, 1f, new Shape(4, 3, 12, 12)));
    }

    @Test
    void keepsShapeTypeRangeAndLabels() {
        Batch in = batch();
        Batch out = new RandAugmentAugmenter(new RandAugmentConfig(3, 20, 31, "image"), 1)
                .apply(in, TestStep.training(manager, 1));
        NDArray y = out.input("image");
        assertEquals(in.input("image").getShape(), y.getShape());
        assertEquals(DataType.FLOAT32, y.getDataType());
        assertTrue(y.min().getFloat() >= 0 && y.max().getFloat() <= 1);
        assertArrayEquals(in.requireLabels().toLongArray(), out.requireLabels().toLongArray());
        assertFalse(Arrays.equals(in.input("image").toFloatArray(), y.toFloatArray()));
    }

    @Test
    void zeroOpsIsTheIdentityAndSeedsRepeat() {
        Batch in = batch();
        assertSame(in, new RandAugmentAugmenter(new RandAugmentConfig(0, 9, 31, "image"), 1)
                .apply(in, TestStep.training(manager, 1)));
        RandAugmentConfig c = RandAugmentConfig.defaults();
        assertArrayEquals(new RandAugmentAugmenter(c, 4).apply(in, TestStep.training(manager, 8)).input("image")
                .toFloatArray(), new RandAugmentAugmenter(c, 4).apply(in, TestStep.training(manager, 8))
                .input("image").toFloatArray());
    }

    @Test
    void magnitudeZeroLeavesEnhancementOpsUnchanged() {
        float[] img = {0.1f, 0.5f, 0.9f, 0.3f};
        for (PhotometricOp op : new PhotometricOp[] {PhotometricOp.BRIGHTNESS, PhotometricOp.CONTRAST,
                PhotometricOp.SHARPNESS, PhotometricOp.POSTERIZE}) {
            float[] copy = img.clone();
            op.apply(copy, 1, 2, 2, 0.0);
            assertArrayEquals(op == PhotometricOp.POSTERIZE ? quantised(img) : img, copy, 1e-6f, op.name());
        }
    }

    private static float[] quantised(float[] img) {
        float[] q = new float[img.length];
        for (int i = 0; i < img.length; i++) {
            q[i] = Math.round(img[i] * 255f) / 255f;
        }
        return q;
    }

    @Test
    void solarizeInvertsAboveTheThreshold() {
        float[] img = {0.2f, 0.6f, 0.8f, 1.0f};
        // level 0.3 ⇒ threshold 0.7
        PhotometricOp.SOLARIZE.apply(img, 1, 2, 2, 0.3);
        assertArrayEquals(new float[] {0.2f, 0.6f, 0.2f, 0f}, img, 1e-6f);
    }

    @Test
    void posterizeKeepsTheTopBits() {
        // level 0.5 ⇒ 8 − round(2) = 6 bits kept ⇒ the two lowest bits of the 8-bit value are cleared.
        float[] img = {255 / 255f, 7 / 255f, 130 / 255f, 0f};
        PhotometricOp.POSTERIZE.apply(img, 1, 2, 2, 0.5);
        assertArrayEquals(new float[] {252 / 255f, 4 / 255f, 128 / 255f, 0f}, img, 1e-6f);
    }

    @Test
    void brightnessScalesAndAutocontrastStretches() {
        float[] img = {0.2f, 0.4f, 0.6f, 0.3f};
        PhotometricOp.BRIGHTNESS.apply(img, 1, 2, 2, -0.5);
        assertArrayEquals(new float[] {0.2f * 0.55f, 0.4f * 0.55f, 0.6f * 0.55f, 0.3f * 0.55f}, img, 1e-6f);
        float[] low = {0.2f, 0.4f, 0.6f, 0.3f};
        PhotometricOp.AUTOCONTRAST.apply(low, 1, 2, 2, 0.0);
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 0.25f}, low, 1e-6f);
    }

    @Test
    void equalizeSpreadsTheHistogram() {
        float[] img = new float[64 * 64];
        for (int i = 0; i < img.length; i++) {
            img[i] = (100 + i / 1024) / 255f; // four grey levels, 1024 pixels each
        }
        PhotometricOp.EQUALIZE.apply(img, 1, 64, 64, 0.0);
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : img) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // PIL: step = (4096 − 1024) / 255 = 12; the levels map to 6/12, 1030/12, 2054/12, 3078/12 → 0, 85, 171, 255.
        assertEquals(0f, lo);
        assertEquals(1f, hi);
        assertEquals(85 / 255f, img[1024], 1e-6f);
        assertEquals(171 / 255f, img[2048], 1e-6f);
    }

    @Test
    void equalizeOfATinyImageIsTheIdentityAsInPil() {
        float[] img = {0.1f, 0.2f, 0.3f, 0.4f};
        float[] before = img.clone();
        PhotometricOp.EQUALIZE.apply(img, 1, 2, 2, 0.0);
        assertArrayEquals(before, img);
    }

    @Test
    void badConfigNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandAugmentConfig(2, 31, 31, "image"));
        assertTrue(e.getMessage().contains("'magnitude'") && e.getMessage().contains("[0, 30]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RandAugmentConfig(-1, 9, 31, "image"));
        assertTrue(e.getMessage().contains("'numOps'"), e.getMessage());
    }

    @Test
    void wrongInputShapeIsAClearError() {
        Batch in = TestStep.batch(manager.create(new long[] {0, 1}), "image",
                manager.randomUniform(0f, 1f, new Shape(2, 12, 12)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandAugmentAugmenter(RandAugmentConfig.defaults(), 1).apply(in, TestStep.training(manager, 1)));
        assertTrue(e.getMessage().contains("randaugment") && e.getMessage().contains("B×C×H×W"), e.getMessage());
    }
}
