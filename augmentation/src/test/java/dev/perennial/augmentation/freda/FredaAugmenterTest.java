package dev.perennial.augmentation.freda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.TestStep;
import dev.perennial.spi.Batch;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FredaAugmenterTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static FredaConfig config(double probability, String select) {
        return new FredaConfig(0.1, "circle", "engine-fft", "complex", probability, 1, "real", select, "image", true);
    }

    private Batch batch(long... labels) {
        int n = labels.length;
        NDArray image = manager.randomUniform(0f, 1f, new Shape(n, 3, 16, 16));
        NDArray real = manager.randomUniform(0f, 1f, new Shape(n, 3, 16, 16));
        return TestStep.batch(manager.create(labels), "image", image, "real", real);
    }

    private static float[] sample(NDArray a, int i) {
        return a.get(i).toFloatArray();
    }

    @Test
    void mixesOnlyFakesAndKeepsLabels() {
        Batch in = batch(0, 1, 0, 1);
        FredaAugmenter aug = new FredaAugmenter(config(1.0, ""), 42);
        Batch out = aug.apply(in, TestStep.training(manager, 3));
        NDArray image = in.input("image");
        NDArray mixed = out.input("image");
        assertEquals(image.getShape(), mixed.getShape());
        assertArrayEquals(sample(image, 0), sample(mixed, 0), "real sample 0 untouched");
        assertArrayEquals(sample(image, 2), sample(mixed, 2), "real sample 2 untouched");
        NDArray expected = FrequencyMix.mix(in.input("real"), image, 0.1, MaskShape.CIRCLE,
                SpectrumTransform.ENGINE_FFT, true);
        assertArrayEquals(sample(expected, 1), sample(mixed, 1), 1e-6f);
        assertArrayEquals(sample(expected, 3), sample(mixed, 3), 1e-6f);
        assertArrayEquals(in.requireLabels().toLongArray(), out.requireLabels().toLongArray());
    }

    @Test
    void selectInputRestrictsWhichFakesAreMixed() {
        Batch in = batch(1, 1);
        NDArray select = manager.create(new float[] {0f, 1f});
        select.setName("low-quality");
        Batch withSelect = in.withInput("low-quality", select);
        Batch out = new FredaAugmenter(config(1.0, "low-quality"), 1).apply(withSelect, TestStep.training(manager, 1));
        assertArrayEquals(sample(in.input("image"), 0), sample(out.input("image"), 0));
        assertFalse(Arrays.equals(sample(in.input("image"), 1), sample(out.input("image"), 1)));
    }

    @Test
    void probabilityZeroReturnsTheBatch() {
        Batch in = batch(1, 1, 1);
        assertSame(in, new FredaAugmenter(config(0.0, ""), 1).apply(in, TestStep.training(manager, 1)));
    }

    @Test
    void sameSeedSameResult() {
        Batch in = batch(1, 1, 1, 1, 1, 1, 1, 1);
        FredaAugmenter a = new FredaAugmenter(config(0.5, ""), 9);
        float[] first = a.apply(in, TestStep.training(manager, 5)).input("image").toFloatArray();
        float[] second = new FredaAugmenter(config(0.5, ""), 9).apply(in, TestStep.training(manager, 5))
                .input("image").toFloatArray();
        assertArrayEquals(first, second);
    }

    @Test
    void missingPairedInputIsAClearError() {
        NDArray image = manager.randomUniform(0f, 1f, new Shape(2, 3, 8, 8));
        Batch in = TestStep.batch(manager.create(new long[] {1, 1}), "image", image);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FredaAugmenter(config(1.0, ""), 1).apply(in, TestStep.training(manager, 1)));
        assertTrue(e.getMessage().contains("pairedInput") && e.getMessage().contains("'real'"), e.getMessage());
    }

    @Test
    void badConfigNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FredaConfig(1.5, "circle", "engine-fft", "complex", 0.5, 1, "real", "", "image", true));
        assertTrue(e.getMessage().contains("'radius'") && e.getMessage().contains("[0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FredaConfig(0.1, "hexagon", "engine-fft", "complex", 0.5, 1, "real", "", "image", true));
        assertTrue(e.getMessage().contains("maskShape") && e.getMessage().contains("circle, square"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FredaConfig(0.1, "circle", "fftw", "complex", 0.5, 1, "real", "", "image", true));
        assertTrue(e.getMessage().contains("transform") && e.getMessage().contains("dft-matmul"), e.getMessage());
    }
}
