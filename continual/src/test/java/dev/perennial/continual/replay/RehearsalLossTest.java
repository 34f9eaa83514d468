package dev.perennial.continual.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.replay.ReplayItem;
import dev.perennial.spi.replay.ReplayItems;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ER and DER / DER++ losses (specs/replay.md R5–R8). */
class RehearsalLossTest {

    private static MemoryConfig memory(int bm) {
        return new MemoryConfig(50, "reservoir", bm, false);
    }

    private static double value(NDArray a) {
        return a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }

    private static float[] logitsOf(RehearsalLearner l, NDArray images) {
        return l.forward(images, true).get(1).toFloatArray();
    }

    private static NDArray stacked(List<ReplayItem> items, NDManager m) {
        return ReplayItems.toBatch(items, m, 0).batch().input("image");
    }

    @Test
    void erTakesOneCrossEntropyOverTheStreamAndTheDraw() {
        try (NDManager m = NDManager.newBaseManager()) {
            ErProvider.ErLearner er = new ErProvider.ErLearner(ReplayFixtures.context(m),
                    new ErProvider.Config(ReplayFixtures.BACKBONE, memory(32), "none"));
            ReplayFixtures.begin(er, 0, m);
            er.loss(ReplayFixtures.batch(m, 0, 0, new long[] {0, 1}, 1), ReplayFixtures.step(m, 0, 100));
            assertEquals(2, er.buffer().size());
            var batch = ReplayFixtures.batch(m, 0, 2, new long[] {1, 0}, 2);
            // the draw of step seed 101, as the learner makes it (both stored items, in draw order)
            List<ReplayItem> draw = er.buffer().items(er.buffer().sample(32, 101, 0));
            NDArray all = NDArrays.concat(new NDList(batch.input("image"), stacked(draw, m)));
            long[] labels = {1, 0, draw.get(0).label(), draw.get(1).label()};
            double expected = ReplayFixtures.crossEntropy(logitsOf(er, all), labels, ReplayFixtures.CLASSES);
            LossTerms terms = er.loss(batch, ReplayFixtures.step(m, 0, 101));
            assertEquals(expected, value(terms.terms().get("ce")), 1e-5);
            assertEquals(Map.of(0L, 2, 1L, 2), er.buffer().classCounts(), "the stream items were offered after");
        }
    }

    @Test
    void derStoresTheLogitsOfInsertionAndNeverChangesThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            DarkReplayLearner der = new DarkReplayLearner(ReplayFixtures.context(m), ReplayFixtures.BACKBONE,
                    memory(4), "none", 0.3, 0, "der");
            ReplayFixtures.begin(der, 0, m);
            var first = ReplayFixtures.batch(m, 0, 0, new long[] {0, 1, 1}, 1);
            LossTerms t = der.loss(first, ReplayFixtures.step(m, 0, 5));
            float[] emitted = t.output("logits").orElseThrow().toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(Arrays.copyOfRange(emitted, 4 * i, 4 * i + 4),
                        der.buffer().get(i).logits().orElseThrow(), "item " + i);
            }
            // change the network: the stored logits must stay those of insertion
            der.model().getParameters().values().get(0).getArray().addi(1f);
            der.loss(ReplayFixtures.batch(m, 0, 3, new long[] {0, 0}, 2), ReplayFixtures.step(m, 0, 6));
            for (int i = 0; i < 3; i++) {
                if (der.buffer().get(i).sampleId() == i) {
                    assertArrayEquals(Arrays.copyOfRange(emitted, 4 * i, 4 * i + 4),
                            der.buffer().get(i).logits().orElseThrow(), "item " + i + " after an update");
                }
            }
        }
    }

    @Test
    void derLogitTermIsAlphaTimesTheMseToTheStoredLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {1f, -2f, 3f, 0.5f}, new Shape(2, 2));
            assertEquals(0.0, value(DarkReplayLearner.logitMse(z, z)), 0.0, "z' = f(x') gives 0");
            assertEquals(1.0, value(DarkReplayLearner.logitMse(z, z.add(1f))), 1e-6, "stored + 1 gives 1");

            DarkReplayLearner der = new DarkReplayLearner(ReplayFixtures.context(m), ReplayFixtures.BACKBONE,
                    memory(3), "none", 0.3, 0, "der");
            ReplayFixtures.begin(der, 0, m);
            der.loss(ReplayFixtures.batch(m, 0, 0, new long[] {0, 1, 0, 1, 1}, 1), ReplayFixtures.step(m, 0, 8));
            List<ReplayItem> draw = der.buffer().items(der.buffer().sample(3, 9, 0));
            float[] now = logitsOf(der, stacked(draw, m));
            double mse = 0;
            for (int i = 0; i < 3; i++) {
                float[] stored = draw.get(i).logits().orElseThrow();
                for (int c = 0; c < 4; c++) {
                    mse += Math.pow(now[4 * i + c] - stored[c], 2) / 12;
                }
            }
            LossTerms t = der.loss(ReplayFixtures.batch(m, 0, 5, new long[] {0}, 2), ReplayFixtures.step(m, 0, 9));
            assertEquals(0.3 * mse, value(t.terms().get("der-logits")), 1e-6);
            assertFalse(t.terms().containsKey("der-labels"), "DER has no label term");
        }
    }

    @Test
    void derppLabelTermUsesASecondIndependentDrawAndBetaZeroIsDer() {
        try (NDManager m = NDManager.newBaseManager()) {
            DarkReplayLearner pp = new DarkReplayLearner(ReplayFixtures.context(m), ReplayFixtures.BACKBONE,
                    memory(4), "none", 0.1, 0.5, "derpp");
            DarkReplayLearner der = new DarkReplayLearner(ReplayFixtures.context(m), ReplayFixtures.BACKBONE,
                    memory(4), "none", 0.1, 0, "der");
            ReplayFixtures.begin(pp, 0, m);
            ReplayFixtures.begin(der, 0, m);
            long[] y = new long[12];
            for (int i = 0; i < y.length; i++) {
                y[i] = i % 2;
            }
            pp.loss(ReplayFixtures.batch(m, 0, 0, y, 1), ReplayFixtures.step(m, 0, 20));
            der.loss(ReplayFixtures.batch(m, 0, 0, y, 1), ReplayFixtures.step(m, 0, 20));
            int[] first = pp.buffer().sample(4, 21, 0);
            int[] second = pp.buffer().sample(4, 21, 1);
            assertFalse(Arrays.equals(first, second), "two independent draws");
            List<ReplayItem> draw = pp.buffer().items(second);
            long[] labels = draw.stream().mapToLong(ReplayItem::label).toArray();
            double ce = ReplayFixtures.crossEntropy(logitsOf(pp, stacked(draw, m)), labels, 4);
            var next = ReplayFixtures.batch(m, 0, 12, new long[] {1, 0}, 2);
            LossTerms tp = pp.loss(next, ReplayFixtures.step(m, 0, 21));
            assertEquals(0.5 * ce, value(tp.terms().get("der-labels")), 1e-5, "β · CE on the second draw");
            LossTerms td = der.loss(next, ReplayFixtures.step(m, 0, 21));
            assertEquals(value(td.terms().get("ce")), value(tp.terms().get("ce")), 0.0);
            assertEquals(value(td.terms().get("der-logits")), value(tp.terms().get("der-logits")), 0.0,
                    "the first draw and the logit term are DER's");
        }
    }

    @Test
    void withAlphaAndBetaZeroOnlyTheStreamCrossEntropyRemains() {
        try (NDManager m = NDManager.newBaseManager()) {
            DarkReplayLearner zero = new DarkReplayLearner(ReplayFixtures.context(m), ReplayFixtures.BACKBONE,
                    memory(4), "none", 0, 0, "der");
            ReplayFixtures.begin(zero, 0, m);
            zero.loss(ReplayFixtures.batch(m, 0, 0, new long[] {0, 1, 1, 0}, 1), ReplayFixtures.step(m, 0, 30));
            var b = ReplayFixtures.batch(m, 0, 4, new long[] {1, 0, 1}, 2);
            double ce = ReplayFixtures.crossEntropy(logitsOf(zero, b.input("image")), new long[] {1, 0, 1}, 4);
            LossTerms t = zero.loss(b, ReplayFixtures.step(m, 0, 31));
            assertEquals(ce, value(t.terms().get("ce")), 1e-5);
            assertEquals(0.0, value(t.terms().get("der-logits")), 0.0);
            assertTrue(t.perSampleLoss().isPresent());
        }
    }

    @Test
    void learnerAugmentationChangesTheImagesButKeepsTheRawOnesInTheBuffer() {
        try (NDManager m = NDManager.newBaseManager()) {
            ErProvider.ErLearner er = new ErProvider.ErLearner(ReplayFixtures.context(m),
                    new ErProvider.Config(ReplayFixtures.BACKBONE, memory(8), "crop-flip"));
            ReplayFixtures.begin(er, 0, m);
            var b = ReplayFixtures.batch(m, 0, 0, new long[] {0, 1}, 1);
            er.loss(b, ReplayFixtures.step(m, 0, 40));
            float[] raw = b.input("image").toFloatArray();
            assertArrayEquals(Arrays.copyOfRange(raw, 0, 64), er.buffer().get(0).input("image"));
            NDArray aug = ReplayAugmentation.CROP_FLIP.apply(b.input("image"), 1);
            assertFalse(Arrays.equals(raw, aug.toFloatArray()));
            assertEquals(b.input("image").getShape(), aug.getShape());
            assertArrayEquals(aug.toFloatArray(), ReplayAugmentation.CROP_FLIP.apply(b.input("image"), 1)
                    .toFloatArray(), "a function of the seed");
            assertTrue(Optional.of(ReplayAugmentation.NONE.apply(b.input("image"), 1)).get() == b.input("image"));
        }
    }
}
