package dev.perennial.augmentation.deda;

import static dev.perennial.augmentation.deda.SquaresOnBackgrounds.C;
import static dev.perennial.augmentation.deda.SquaresOnBackgrounds.H;
import static dev.perennial.augmentation.deda.SquaresOnBackgrounds.W;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.TestStep;
import dev.perennial.spi.Batch;
import dev.perennial.spi.PluginState;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Properties D1–D7 of specs/de-da.md §5 and the pool contract. */
class DecoupledAugmenterTest {

    private static final long[] FOUR_CLASSES = {0, 1, 2, 3, 0, 1, 2, 3};

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static DecoupledAugmenter exact(double p, boolean interClass) {
        return new DecoupledAugmenter(SquaresOnBackgrounds.config(p, interClass, "own", "dataset", "identity",
                "alpha", 64), 11);
    }

    private static float[] pixel(float[] images, int b, int y, int x) {
        float[] rgb = new float[C];
        for (int c = 0; c < C; c++) {
            rgb[c] = images[((b * C + c) * H + y) * W + x];
        }
        return rgb;
    }

    @Test
    void objectPixelsAreTheObjectsAndTheRestIsAnotherClassesBackground() {
        DecoupledAugmenter aug = exact(1.0, true);
        int composites = 0;
        for (long step = 0; step < 20; step++) {
            Batch in = SquaresOnBackgrounds.batch(manager, step, FOUR_CLASSES);
            Batch out = aug.apply(in, TestStep.training(manager, step));
            float[] x = in.input("image").toFloatArray();
            float[] y = out.input("image").toFloatArray();
            float[] mask = in.input("mask").toFloatArray();
            assertArrayEquals(in.requireLabels().toLongArray(), out.requireLabels().toLongArray(), "D2: labels kept");
            assertTrue(out.input("image").min().getFloat() >= 0 && out.input("image").max().getFloat() <= 1);
            for (DecoupledAugmenter.Draw d : aug.lastDraws()) {
                composites++;
                int b = d.sample();
                assertEquals(FOUR_CLASSES[b], d.objectClass());
                assertNotEquals(d.objectClass(), d.backgroundClass(), "D3: background from another class");
                for (int yy = 0; yy < H; yy++) {
                    for (int xx = 0; xx < W; xx++) {
                        float[] got = pixel(y, b, yy, xx);
                        if (mask[b * H * W + yy * W + xx] == 1f) {
                            assertArrayEquals(pixel(x, b, yy, xx), got, "D1: object pixel");
                        } else {
                            assertEquals(d.backgroundClass(), SquaresOnBackgrounds.backgroundClassOf(got),
                                    "D1: background pixel " + java.util.Arrays.toString(got));
                        }
                    }
                }
            }
        }
        // From the first batch on every class has backgrounds from other classes, so p = 1 composites everything.
        assertEquals(20 * FOUR_CLASSES.length, composites);
    }

    @Test
    void backgroundClassesAreUniformOverTheOtherClasses() {
        DecoupledAugmenter aug = exact(1.0, true);
        int[][] counts = new int[4][4];
        for (long step = 0; step < 60; step++) {
            aug.apply(SquaresOnBackgrounds.batch(manager, step, FOUR_CLASSES), TestStep.training(manager, step));
            for (DecoupledAugmenter.Draw d : aug.lastDraws()) {
                counts[(int) d.objectClass()][(int) d.backgroundClass()]++;
            }
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(0, counts[k][k], "class " + k + " never gets its own background");
            for (int j = 0; j < 4; j++) {
                if (j != k) {
                    // 120 draws per object class over 3 others: expected 40 each, sd ≈ 5.2.
                    assertTrue(counts[k][j] > 20 && counts[k][j] < 60, "frequency " + k + "→" + j + " = "
                            + counts[k][j]);
                }
            }
        }
    }

    @Test
    void withoutInterClassTheOwnClassIsAllowed() {
        DecoupledAugmenter aug = exact(1.0, false);
        boolean own = false;
        for (long step = 0; step < 10 && !own; step++) {
            aug.apply(SquaresOnBackgrounds.batch(manager, step, FOUR_CLASSES), TestStep.training(manager, step));
            own = aug.lastDraws().stream().anyMatch(d -> d.backgroundClass() == d.objectClass());
        }
        assertTrue(own);
    }

    @Test
    void probabilityZeroReturnsTheInputButStillFillsThePools() {
        DecoupledAugmenter aug = exact(0.0, true);
        Batch in = SquaresOnBackgrounds.batch(manager, 1, FOUR_CLASSES);
        assertSame(in, aug.apply(in, TestStep.training(manager, 1)));
        assertEquals(List.of(0L, 1L, 2L, 3L), aug.backgroundPools().orElseThrow().classes());
    }

    @Test
    void aSingleClassBatchHasNoOtherBackgroundYetAndStaysUnchanged() {
        DecoupledAugmenter aug = exact(1.0, true);
        Batch in = SquaresOnBackgrounds.batch(manager, 1, 2, 2, 2);
        assertSame(in, aug.apply(in, TestStep.training(manager, 1)));
        Batch next = SquaresOnBackgrounds.batch(manager, 2, 3, 3);
        aug.apply(next, TestStep.training(manager, 2));
        assertEquals(2, aug.lastDraws().size());
        assertTrue(aug.lastDraws().stream().allMatch(d -> d.backgroundClass() == 2));
    }

    @Test
    void sameSeedSameOutputAndAResumedRunRepeatsItself() {
        DecoupledConfig c = SquaresOnBackgrounds.config(0.7, true, "pool", "dataset", "photometric-geometric",
                "alpha", 4);
        DecoupledAugmenter straight = new DecoupledAugmenter(c, 5);
        DecoupledAugmenter first = new DecoupledAugmenter(c, 5);
        float[][] expected = new float[6][];
        for (long step = 0; step < 6; step++) {
            expected[(int) step] = straight.apply(SquaresOnBackgrounds.batch(manager, step, FOUR_CLASSES),
                    TestStep.training(manager, step)).input("image").toFloatArray();
        }
        for (long step = 0; step < 3; step++) {
            float[] got = first.apply(SquaresOnBackgrounds.batch(manager, step, FOUR_CLASSES),
                    TestStep.training(manager, step)).input("image").toFloatArray();
            assertArrayEquals(expected[(int) step], got, "D5: same seed, same output at step " + step);
        }
        PluginState state;
        try (NDManager ckpt = manager.newSubManager()) {
            state = first.saveState(TestStep.training(ckpt, 99));
            assertTrue(state.tensors().keySet().containsAll(List.of("objects/0", "backgrounds/3")));
            assertEquals(4, state.tensor("backgrounds/1").getShape().get(0), "pool bounded by poolSizePerClass");
            DecoupledAugmenter resumed = new DecoupledAugmenter(c, 5);
            resumed.loadState(state);
            for (long step = 3; step < 6; step++) {
                float[] got = resumed.apply(SquaresOnBackgrounds.batch(manager, step, FOUR_CLASSES),
                        TestStep.training(manager, step)).input("image").toFloatArray();
                assertArrayEquals(expected[(int) step], got, "resumed run at step " + step);
            }
        }
    }

    @Test
    void poolsStayBoundedAndCountWhatTheySaw() {
        DecoupledAugmenter aug = new DecoupledAugmenter(SquaresOnBackgrounds.config(0.5, true, "pool", "dataset",
                "identity", "alpha", 3), 1);
        for (long step = 0; step < 5; step++) {
            aug.apply(SquaresOnBackgrounds.batch(manager, step, FOUR_CLASSES), TestStep.training(manager, step));
        }
        ClassReservoirs bg = aug.backgroundPools().orElseThrow();
        for (long k = 0; k < 4; k++) {
            assertEquals(3, bg.items(k).size());
            assertEquals(10, bg.seen(k));
        }
    }

    @Test
    void distinctPairsAreObjectsTimesOtherClassBackgrounds() {
        // Two classes, three distinct objects and three distinct backgrounds each (D6: 3 × 3 pairs per class).
        DecoupledAugmenter aug = new DecoupledAugmenter(SquaresOnBackgrounds.config(1.0, true, "pool", "dataset",
                "identity", "alpha", 64), 3);
        float[] img = new float[6 * C * H * W];
        float[] mask = new float[6 * H * W];
        long[] labels = {0, 0, 0, 1, 1, 1};
        for (int b = 0; b < 6; b++) {
            for (int i = 0; i < H * W; i++) {
                boolean in = i % W < W / 2;
                mask[b * H * W + i] = in ? 1f : 0f;
                for (int c = 0; c < C; c++) {
                    // object value encodes b in channel 0; background value encodes b in channel 1
                    img[(b * C + c) * H * W + i] = in ? (c == 0 ? 0.1f * (b + 1) : 0.5f) : (c == 1 ? 0.1f * (b + 1) : 0.2f);
                }
            }
        }
        Set<String> pairs = new HashSet<>();
        for (long step = 0; step < 60; step++) {
            Batch in = TestStep.batch(manager.create(labels), "image", manager.create(img, new Shape(6, C, H, W)),
                    "mask", manager.create(mask, new Shape(6, 1, H, W)));
            float[] out = aug.apply(in, TestStep.training(manager, step)).input("image").toFloatArray();
            for (DecoupledAugmenter.Draw d : aug.lastDraws()) {
                if (d.objectClass() == 0) {
                    int b = d.sample();
                    float objectCode = out[(b * C) * H * W];
                    float backgroundCode = out[(b * C + 1) * H * W + W - 1];
                    pairs.add(Math.round(objectCode * 10) + "-" + Math.round(backgroundCode * 10));
                }
            }
        }
        Set<String> expected = new HashSet<>();
        for (int o = 1; o <= 3; o++) {
            for (int g = 4; g <= 6; g++) {
                expected.add(o + "-" + g);
            }
        }
        assertEquals(expected, pairs);
    }

    @Test
    void emptyMaskKeepsTheImageAndFullMaskLeavesNoBackground() {
        DecoupledAugmenter aug = exact(1.0, true);
        aug.apply(SquaresOnBackgrounds.batch(manager, 0, FOUR_CLASSES), TestStep.training(manager, 0));
        Batch empty = SquaresOnBackgrounds.batchWithSide(manager, 1, 0, 0, 1);
        Batch outEmpty = aug.apply(empty, TestStep.training(manager, 1));
        assertArrayEquals(empty.input("image").toFloatArray(), outEmpty.input("image").toFloatArray(), "D7: empty mask");
        assertTrue(aug.lastDraws().isEmpty());
        Batch full = SquaresOnBackgrounds.batchWithSide(manager, 2, H, 0, 1);
        Batch outFull = aug.apply(full, TestStep.training(manager, 2));
        assertEquals(2, aug.lastDraws().size());
        assertArrayEquals(full.input("image").toFloatArray(), outFull.input("image").toFloatArray(),
                "D7: a full mask leaves the background unused");
    }

    @Test
    void maskInputFollowsThePastedObjects() {
        DecoupledConfig c = SquaresOnBackgrounds.config(1.0, true, "pool", "dataset", "photometric-geometric",
                "alpha", 16);
        DecoupledAugmenter aug = new DecoupledAugmenter(c, 2);
        Batch in = SquaresOnBackgrounds.batch(manager, 4, FOUR_CLASSES);
        Batch out = aug.apply(in, TestStep.training(manager, 4));
        assertEquals(in.input("mask").getShape(), out.input("mask").getShape());
        float[] m = out.input("mask").toFloatArray();
        float[] img = out.input("image").toFloatArray();
        for (DecoupledAugmenter.Draw d : aug.lastDraws()) {
            int b = d.sample();
            for (int i = 0; i < H * W; i++) {
                if (m[b * H * W + i] == 0f) {
                    float[] px = pixel(img, b, i / W, i % W);
                    assertEquals(d.backgroundClass(), SquaresOnBackgrounds.backgroundClassOf(px),
                            "outside the new mask only background");
                }
            }
        }
    }

    @Test
    void saliencyIsTheDefaultWhenTheBatchHasNoMasks() {
        DecoupledAugmenter aug = new DecoupledAugmenter(SquaresOnBackgrounds.config(1.0, true, "own", "auto",
                "identity", "alpha", 8), 1);
        Batch withMasks = SquaresOnBackgrounds.batch(manager, 3, FOUR_CLASSES);
        NDArray image = withMasks.input("image");
        Batch noMasks = TestStep.batch(withMasks.requireLabels(), "image", image);
        Batch out = aug.apply(noMasks, TestStep.training(manager, 3));
        assertEquals(image.getShape(), out.input("image").getShape());
        assertTrue(aug.objectPools().orElseThrow().classes().size() > 0, "saliency found objects");
    }

    @Test
    void datasetMasksMissingIsAClearError() {
        DecoupledAugmenter aug = new DecoupledAugmenter(SquaresOnBackgrounds.config(1.0, true, "own", "dataset",
                "identity", "alpha", 8), 1);
        Batch b = SquaresOnBackgrounds.batch(manager, 3, FOUR_CLASSES);
        Batch noMasks = TestStep.batch(b.requireLabels(), "image", b.input("image"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> aug.apply(noMasks, TestStep.training(manager, 1)));
        assertTrue(e.getMessage().contains("'mask'") && e.getMessage().contains("maskInput"), e.getMessage());
    }

    @Test
    void aMaskProviderWithTheWrongShapeIsNamedInTheError() {
        MaskProvider broken = mock(MaskProvider.class);
        when(broken.name()).thenReturn("sam-runner");
        when(broken.masks(any(), any(), any())).thenAnswer(inv -> manager.zeros(new Shape(8, H, W)));
        DecoupledAugmenter aug = new DecoupledAugmenter(DecoupledConfig.defaults(), 1, Optional.of(broken),
                new IdentityEditor());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> aug.apply(SquaresOnBackgrounds.batch(manager, 1, FOUR_CLASSES), TestStep.training(manager, 1)));
        assertTrue(e.getMessage().contains("sam-runner") && e.getMessage().contains("(8, 1, 16, 16)"), e.getMessage());
    }

    @Test
    void thePluggedEditorEditsEveryPastedObject() {
        ObjectEditor editor = mock(ObjectEditor.class);
        when(editor.name()).thenReturn("generative");
        when(editor.edit(any(), any())).thenAnswer(inv -> ((ObjectLayer) inv.getArgument(0)).copy());
        DecoupledAugmenter aug = new DecoupledAugmenter(SquaresOnBackgrounds.config(1.0, true, "own", "dataset",
                "identity", "alpha", 8), 1, Optional.empty(), editor);
        aug.apply(SquaresOnBackgrounds.batch(manager, 1, FOUR_CLASSES), TestStep.training(manager, 1));
        verify(editor, times(FOUR_CLASSES.length)).edit(any(ObjectLayer.class), any(SplittableRandom.class));
    }

    @Test
    void differentImageSizesAreRefused() {
        DecoupledAugmenter aug = exact(0.5, true);
        aug.apply(SquaresOnBackgrounds.batch(manager, 1, FOUR_CLASSES), TestStep.training(manager, 1));
        Batch other = TestStep.batch(manager.create(new long[] {0}), "image", manager.zeros(new Shape(1, 3, 8, 8)),
                "mask", manager.zeros(new Shape(1, 1, 8, 8)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> aug.apply(other, TestStep.training(manager, 2)));
        assertTrue(e.getMessage().contains("de-da") && e.getMessage().contains("3×16×16"), e.getMessage());
    }

    @Test
    void evaluationStepsAreLeftAlone() {
        DecoupledAugmenter aug = exact(1.0, true);
        Batch in = SquaresOnBackgrounds.batch(manager, 1, FOUR_CLASSES);
        assertSame(in, aug.apply(in, new TestStep(manager, 1, false)));
        assertTrue(aug.objectPools().isEmpty());
    }
}
