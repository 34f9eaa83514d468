package dev.perennial.deepfake.curriculum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.freda.FrequencyMix;
import dev.perennial.augmentation.freda.MaskShape;
import dev.perennial.augmentation.freda.SpectrumTransform;
import dev.perennial.deepfake.TestStep;
import dev.perennial.spi.Batch;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FreDA hand-off: exactly the samples the sampler flagged are replaced by their FreDA mix. */
class QualityFredaAugmenterTest {

    @Test
    void mixesOnlyFlaggedSamplesAndReportsTheLearningRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray image = m.randomUniform(0f, 1f, new Shape(3, 3, 16, 16));
            image.setName("image");
            NDArray real = m.randomUniform(0f, 1f, new Shape(3, 3, 16, 16));
            real.setName("real");
            Batch batch = new Batch(new NDList(image, real), Optional.of(m.create(new long[] {1, 1, 0})),
                    Optional.empty(), new long[] {10, 11, 12}, 0, Map.of());
            QualityBoard board = new QualityBoard();
            QualityFredaAugmenter a = new QualityFredaAugmenter(QualityFredaConfig.defaults(), board);
            assertSame(batch, a.apply(batch, new TestStep(m, 1, 0.25)), "nothing flagged: the batch is untouched");
            assertEquals(0.25, board.learningRate(), 0);
            board.postLowQuality(Set.of(11L));
            Batch out = a.apply(batch, new TestStep(m, 2, 0.5));
            assertEquals(0.5, board.learningRate(), 0);
            assertEquals(0.5, board.maxLearningRate(), 0);
            NDArray expected = FrequencyMix.mix(real, image, 0.1, MaskShape.CIRCLE, SpectrumTransform.ENGINE_FFT, true);
            NDArray y = out.input("image");
            assertArrayEquals(expected.get(new NDIndex("1")).toFloatArray(), y.get(new NDIndex("1")).toFloatArray(),
                    1e-6f, "the flagged fake is its FreDA mix");
            assertArrayEquals(image.get(new NDIndex("0")).toFloatArray(), y.get(new NDIndex("0")).toFloatArray(), 0f);
            assertArrayEquals(image.get(new NDIndex("2")).toFloatArray(), y.get(new NDIndex("2")).toFloatArray(), 0f);
            assertArrayEquals(new long[] {1, 1, 0}, out.requireLabels().toLongArray(), "labels stay fake");
            Batch noReal = new Batch(new NDList(image), Optional.of(m.create(new long[] {1, 1, 0})), Optional.empty(),
                    new long[] {10, 11, 12}, 0, Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.apply(noReal, new TestStep(m, 3, 0.5)));
            assertTrue(e.getMessage().contains("pairedInput"), e.getMessage());
        }
    }

    @Test
    void samplerAndAugmenterOfOneRunShareABoard(@TempDir Path run) {
        Path samplerFolder = run.resolve("plugins").resolve("sampler");
        Path augmenterFolder = run.resolve("plugins").resolve("augmenter-0");
        assertSame(QualityBoard.forRun(samplerFolder, "quality"), QualityBoard.forRun(augmenterFolder, "quality"));
        assertTrue(QualityBoard.forRun(samplerFolder, "quality") != QualityBoard.forRun(samplerFolder, "other"));
        assertTrue(QualityBoard.forRun(samplerFolder, "quality")
                != QualityBoard.forRun(run.resolve("elsewhere").resolve("plugins").resolve("sampler"), "quality"));
    }
}
