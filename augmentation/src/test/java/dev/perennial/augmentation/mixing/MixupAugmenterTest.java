package dev.perennial.augmentation.mixing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.TestStep;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MixupAugmenterTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Label i on sample i, so the partner of each sample can be read off the second labels. */
    private Batch batch(int n) {
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i;
        }
        return TestStep.batch(manager.create(labels), "image",
                manager.randomUniform(0f, 1f, new Shape(n, 3, 6, 6)));
    }

    @Test
    void eachImageIsTheWeightedSumOfItselfAndItsPartner() {
        for (boolean perSample : new boolean[] {false, true}) {
            Batch in = batch(8);
            Batch out = new MixupAugmenter(new MixupConfig(0.4, 1.0, perSample, "image"), 1)
                    .apply(in, TestStep.training(manager, 17));
            LabelMix mix = out.labelMix().orElseThrow();
            long[] partner = mix.secondLabels().toLongArray();
            float[] w = mix.weights().toFloatArray();
            NDArray x = in.input("image");
            NDArray y = out.input("image");
            assertEquals(x.getShape(), y.getShape());
            assertEquals(DataType.FLOAT32, y.getDataType());
            for (int i = 0; i < 8; i++) {
                assertTrue(w[i] >= 0 && w[i] <= 1, "weight " + w[i]);
                float[] expected = x.get(i).mul(w[i]).add(x.get(partner[i]).mul(1 - w[i])).toFloatArray();
                assertArrayEquals(expected, y.get(i).toFloatArray(), 1e-6f);
            }
            if (!perSample) {
                for (float v : w) {
                    assertEquals(w[0], v);
                }
            }
            assertArrayEquals(in.requireLabels().toLongArray(), out.requireLabels().toLongArray());
        }
    }

    @Test
    void partnersFormAPermutation() {
        Batch out = new MixupAugmenter(MixupConfig.defaults(), 3).apply(batch(16), TestStep.training(manager, 2));
        long[] partner = out.labelMix().orElseThrow().secondLabels().toLongArray();
        boolean[] seen = new boolean[16];
        for (long p : partner) {
            seen[(int) p] = true;
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
    }

    @Test
    void deterministicPerSeedAndDifferentAcrossSteps() {
        Batch in = batch(8);
        MixupAugmenter a = new MixupAugmenter(MixupConfig.defaults(), 5);
        float[] first = a.apply(in, TestStep.training(manager, 1)).input("image").toFloatArray();
        float[] again = new MixupAugmenter(MixupConfig.defaults(), 5).apply(in, TestStep.training(manager, 1))
                .input("image").toFloatArray();
        float[] other = a.apply(in, TestStep.training(manager, 2)).input("image").toFloatArray();
        assertArrayEquals(first, again);
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(other));
    }

    @Test
    void evaluationAndProbabilityZeroLeaveTheBatch() {
        Batch in = batch(4);
        assertSame(in, new MixupAugmenter(MixupConfig.defaults(), 1).apply(in, new TestStep(manager, 1, false)));
        assertSame(in, new MixupAugmenter(new MixupConfig(1, 0, false, "image"), 1)
                .apply(in, TestStep.training(manager, 1)));
    }

    @Test
    void refusesABatchAlreadyMixed() {
        Batch mixed = new MixupAugmenter(MixupConfig.defaults(), 1).apply(batch(4), TestStep.training(manager, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CutmixAugmenter(new CutmixConfig(1, 1, "image"), 1).apply(mixed, TestStep.training(manager, 2)));
        assertTrue(e.getMessage().contains("cutmix") && e.getMessage().contains("LabelMix"), e.getMessage());
    }

    @Test
    void badConfigNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MixupConfig(0, 1, false, "image"));
        assertTrue(e.getMessage().contains("'alpha'") && e.getMessage().contains("(0, 100]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MixupConfig(1, 1.2, false, "image"));
        assertTrue(e.getMessage().contains("'probability'"), e.getMessage());
    }
}
