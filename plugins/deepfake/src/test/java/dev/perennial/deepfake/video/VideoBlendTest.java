package dev.perennial.deepfake.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.perennial.deepfake.TestStep;
import dev.perennial.spi.Batch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Properties V10–V11 of specs/deepfake.md §B.4. */
class VideoBlendTest {
    private static final int T = 4;
    private static final int H = 16;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Batch clips(long... labels) {
        NDArray clip = manager.randomUniform(0f, 1f, new Shape(labels.length, T, 3, H, H));
        clip.setName("clip");
        long[] ids = new long[labels.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return new Batch(new NDList(clip), Optional.of(manager.create(labels)), Optional.empty(), ids, 0, Map.of());
    }

    private static VideoBlendConfig config(List<Double> warp, String drift, List<Double> betas, double p) {
        return new VideoBlendConfig("clip", warp, 4, drift, betas, List.of(0.35, 0.45), 0.3, p, 0, 1);
    }

    @Test
    void zeroWarpOrZeroBetaReturnsTheClipButRelabelsIt() {
        Batch in = clips(0, 0, 1);
        for (VideoBlendConfig c : List.of(config(List.of(0.0), "per-frame", List.of(1.0), 1),
                config(List.of(3.0), "per-frame", List.of(0.0), 1))) {
            Batch out = new VideoBlendAugmenter(c, 5).apply(in, new TestStep(manager, 1, 0.1));
            assertArrayEquals(in.input("clip").toFloatArray(), out.input("clip").toFloatArray(), 0f);
            assertArrayEquals(new long[] {1, 1, 1}, out.requireLabels().toLongArray(), "reals become fakes");
        }
    }

    @Test
    void blendsOnlyRealClipsInsideTheMaskAndIsSeeded() {
        Batch in = clips(0, 1);
        VideoBlendAugmenter a = new VideoBlendAugmenter(config(List.of(1.0, 2.0, 3.0, 4.0), "per-frame",
                List.of(1.0), 1), 5);
        Batch out = a.apply(in, new TestStep(manager, 7, 0.1));
        NDArray x = in.input("clip");
        NDArray y = out.input("clip");
        assertArrayEquals(x.get(new NDIndex("1")).toFloatArray(), y.get(new NDIndex("1")).toFloatArray(), 0f,
                "a fake clip is left alone");
        assertFalse(java.util.Arrays.equals(x.get(new NDIndex("0")).toFloatArray(),
                y.get(new NDIndex("0")).toFloatArray()), "the real clip is blended");
        // Outside the ellipse (the corners) M = 0: unchanged.
        assertArrayEquals(x.get(new NDIndex("0, :, :, 0, 0")).toFloatArray(),
                y.get(new NDIndex("0, :, :, 0, 0")).toFloatArray(), 0f);
        Batch again = new VideoBlendAugmenter(config(List.of(1.0, 2.0, 3.0, 4.0), "per-frame",
                List.of(1.0), 1), 5).apply(in, new TestStep(manager, 7, 0.1));
        assertArrayEquals(y.toFloatArray(), again.input("clip").toFloatArray(), 0f, "same seed, same clip");
        Batch other = a.apply(in, new TestStep(manager, 8, 0.1));
        assertFalse(java.util.Arrays.equals(y.toFloatArray(), other.input("clip").toFloatArray()));
    }

    @Test
    void fieldsDriftAcrossFramesUnlessStatic() {
        VideoBlendAugmenter drift = new VideoBlendAugmenter(config(List.of(2.0), "per-frame", List.of(1.0), 1), 1);
        VideoBlendAugmenter fixed = new VideoBlendAugmenter(config(List.of(2.0), "static", List.of(1.0), 1), 1);
        float[][][] d = drift.fields(T, H, H, new SplittableRandom(3));
        float[][][] s = fixed.fields(T, H, H, new SplittableRandom(3));
        double variance = 0;
        for (int p = 0; p < H * H; p++) {
            double mean = 0;
            for (int f = 0; f < T; f++) {
                mean += d[f][0][p] / T;
            }
            for (int f = 0; f < T; f++) {
                variance += (d[f][0][p] - mean) * (d[f][0][p] - mean);
            }
        }
        assertTrue(variance > 0, "V10: displacement varies over frames");
        for (int f = 1; f < T; f++) {
            assertArrayEquals(s[0][0], s[f][0], 0f, "SBI-static: one field for every frame");
        }
        // Strength per frame scales the field.
        VideoBlendAugmenter ramp = new VideoBlendAugmenter(config(List.of(0.0, 1.0, 2.0, 4.0), "static",
                List.of(1.0), 1), 1);
        float[][][] r = ramp.fields(T, H, H, new SplittableRandom(3));
        for (int p = 0; p < H * H; p++) {
            assertEquals(0f, r[0][0][p], 0f);
            assertEquals(4 * r[1][0][p], r[3][0][p], 1e-5f);
        }
    }

    @Test
    void clipConsistentAugmentationUsesOneTransformPerClip() {
        // Every frame of a clip is the same image: a consistent transform keeps them equal.
        NDArray frame = manager.randomUniform(0f, 1f, new Shape(3, 1, 3, H, H));
        NDArray clip = frame.repeat(1, T);
        clip.setName("clip");
        Batch in = new Batch(new NDList(clip), Optional.of(manager.create(new long[] {0, 1, 0})), Optional.empty(),
                new long[] {0, 1, 2}, 0, Map.of());
        ClipConsistentConfig c = new ClipConsistentConfig("clip", "image", 0.5, 0.3, 0.3);
        Batch out = new ClipConsistentAugmenter(new FramePhotometricAugmenter(c, 9), "clip", "image")
                .apply(in, new TestStep(manager, 4, 0.1));
        NDArray y = out.input("clip");
        assertEquals(clip.getShape(), y.getShape());
        for (int f = 1; f < T; f++) {
            assertArrayEquals(y.get(new NDIndex(":, 0")).toFloatArray(), y.get(new NDIndex(":, " + f)).toFloatArray(),
                    0f, "V11: frame " + f + " got the same transform as frame 0");
        }
        assertFalse(java.util.Arrays.equals(clip.toFloatArray(), y.toFloatArray()), "something was transformed");
    }

    @Test
    void configValidationNamesTheField() {
        VideoBlendConfig d = VideoBlendConfig.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(List.of(-1.0), "per-frame", List.of(1.0), 1));
        assertTrue(e.getMessage().contains("warpStrengths"));
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(1.0), "random", List.of(1.0), 1));
        assertTrue(e.getMessage().contains("drift"));
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(1.0), "static", List.of(1.5), 1));
        assertTrue(e.getMessage().contains("blendRatios"));
        e = assertThrows(IllegalArgumentException.class, () -> new VideoBlendConfig("clip", d.warpStrengths(), 4,
                "static", d.blendRatios(), d.maskAxes(), 0.3, 0.5, 1, 1));
        assertTrue(e.getMessage().contains("realLabel"));
        // A per-frame list that does not fit T names the field at apply time.
        VideoBlendAugmenter wrongLength = new VideoBlendAugmenter(config(List.of(1.0, 2.0), "per-frame",
                List.of(1.0), 1), 1);
        e = assertThrows(IllegalArgumentException.class, () -> wrongLength.apply(clips(0),
                new TestStep(manager, 1, 0.1)));
        assertTrue(e.getMessage().contains("warpStrengths"));
        e = assertThrows(IllegalArgumentException.class, () -> new ClipConsistentConfig("clip", "image", 2, 0, 0));
        assertTrue(e.getMessage().contains("flipProbability"));
    }
}
