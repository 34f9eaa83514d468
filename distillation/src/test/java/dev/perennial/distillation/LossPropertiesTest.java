package dev.perennial.distillation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The loss properties of cakd.md §5 (K1–K6, K12) and Hinton KD's. */
class LossPropertiesTest {

    private static float scalar(NDArray a) {
        return a.toType(DataType.FLOAT32, false).getFloat();
    }

    @Test
    void infoNceAfterPoolingIgnoresSpatialPermutations() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray studentMap = m.randomNormal(new Shape(5, 6, 3, 3));
            NDArray teacherTokens = m.randomNormal(new Shape(5, 9, 4));
            NDArray gs = m.randomNormal(new Shape(6, 8));
            NDArray gt = m.randomNormal(new Shape(4, 8));
            NDArray tau = m.create(new float[] {(float) Math.log(0.1)});
            float before = scalar(nce(studentMap, teacherTokens, gs, gt, tau));
            // Independent permutations of the 9 positions of each model.
            int[] ps = {4, 0, 8, 2, 7, 1, 3, 6, 5};
            int[] pt = {8, 7, 6, 5, 4, 3, 2, 1, 0};
            NDArray flat = studentMap.reshape(5, 6, 9);
            NDArray permutedS = new NDList(java.util.Arrays.stream(ps)
                    .mapToObj(i -> flat.get(":, :, " + i + ":" + (i + 1))).toArray(NDArray[]::new))
                    .stream().reduce((a, b) -> a.concat(b, 2)).orElseThrow().reshape(5, 6, 3, 3);
            NDArray permutedT = new NDList(java.util.Arrays.stream(pt)
                    .mapToObj(i -> teacherTokens.get(":, " + i + ":" + (i + 1) + ", :")).toArray(NDArray[]::new))
                    .stream().reduce((a, b) -> a.concat(b, 1)).orElseThrow();
            assertTrue(!permutedS.contentEquals(studentMap), "the permutation must move something");
            float after = scalar(nce(permutedS, permutedT, gs, gt, tau));
            assertEquals(before, after, 1e-5f);
        }
    }

    private static NDArray nce(NDArray studentMap, NDArray teacherTokens, NDArray gs, NDArray gt, NDArray tau) {
        NDArray zs = InfoNce.normalize(SpatialPooling.globalAverage(studentMap, "s").matMul(gs));
        NDArray zt = InfoNce.normalize(SpatialPooling.globalAverage(teacherTokens, "t").matMul(gt));
        return InfoNce.loss(zt, zs, tau, false);
    }

    @Test
    void infoNceIsLogBWhenAllSimilaritiesAreEqual() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int b : new int[] {2, 7, 16}) {
                NDArray z = InfoNce.normalize(m.ones(new Shape(b, 5)));
                NDArray tau = m.create(new float[] {(float) Math.log(0.07)});
                assertEquals(Math.log(b), scalar(InfoNce.loss(z, z, tau, false)), 1e-5);
                assertEquals(Math.log(b), scalar(InfoNce.loss(z, z, tau, true)), 1e-5);
            }
        }
    }

    @Test
    void infoNceFallsAsPositivesAlignAndStaysFiniteForSmallTemperatures() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Orthogonal teacher embeddings; each student embedding starts on a negative (the next sample's
            // teacher embedding) and moves to its positive.
            NDArray zt = m.eye(4);
            NDArray random = zt.get("1:").concat(zt.get(":1"), 0);
            NDArray tau = m.create(new float[] {(float) Math.log(0.5)});
            float previous = Float.MAX_VALUE;
            for (float a : new float[] {0f, 0.5f, 0.9f, 1f}) {
                NDArray zs = InfoNce.normalize(zt.mul(a).add(random.mul(1f - a)));
                float loss = scalar(InfoNce.loss(zt, zs, tau, false));
                assertTrue(loss < previous, "loss must fall as the positives align: " + loss + " after " + previous);
                previous = loss;
            }
            NDArray tiny = m.create(new float[] {(float) Math.log(1e-3)});
            assertTrue(Float.isFinite(scalar(InfoNce.loss(zt, random, tiny, false))));
        }
    }

    @Test
    void ofaWithEpsOneIsSoftTargetCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray s = m.randomNormal(new Shape(8, 10));
            NDArray t = m.randomNormal(new Shape(8, 10));
            NDArray mask = m.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7}).oneHot(10).toType(DataType.FLOAT32, false);
            for (float temperature : new float[] {1f, 2f}) {
                NDArray pt = t.div(temperature).softmax(1);
                NDArray expected = pt.mul(s.div(temperature).logSoftmax(1)).sum(new int[] {1}).neg().mean();
                assertEquals(scalar(expected), scalar(OfaLoss.loss(s, t, mask, 1f, temperature)), 1e-5f);
            }
        }
    }

    @Test
    void ofaIsNonNegativeAndOnlyTheStudentSideGetsAGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            NDArray s = m.randomNormal(new Shape(8, 10));
            NDArray t = m.randomNormal(new Shape(8, 10));
            s.setRequiresGradient(true);
            t.setRequiresGradient(true);
            NDArray mask = m.create(new long[] {9, 1, 2, 3, 4, 5, 6, 0}).oneHot(10).toType(DataType.FLOAT32, false);
            for (float eps : new float[] {0.5f, 1f, 1.5f}) {
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = OfaLoss.loss(s, t, mask, eps, 1f);
                    assertTrue(scalar(loss) >= 0f, "OFA loss must be >= 0, was " + scalar(loss));
                    c.backward(loss);
                }
                assertTrue(scalar(s.getGradient().abs().sum()) > 0f);
                assertEquals(0f, scalar(t.getGradient().abs().sum()));
            }
        }
    }

    @Test
    void softLabelArgmaxGivesTheHardTargetMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {1, 2, 3});
            NDArray second = m.create(new long[] {4, 5, 6});
            NDArray images = m.zeros(new Shape(3, 1, 2, 2));
            images.setName("image");
            Batch hard = new Batch(new NDList(images), Optional.of(labels), Optional.empty(), new long[] {0, 1, 2}, 0,
                    Map.of());
            Batch mixed = hard.withLabelMix(new LabelMix(second, m.create(new float[] {0.7f, 0.5f, 0.2f})));
            assertArrayEquals(new long[] {1, 2, 3}, TargetMask.targets(hard, 8, "test").toLongArray());
            assertArrayEquals(new long[] {1, 2, 6}, TargetMask.targets(mixed, 8, "test").toLongArray());
            assertArrayEquals(TargetMask.of(hard, 8, "t").get("0:2").toFloatArray(),
                    TargetMask.of(mixed, 8, "t").get("0:2").toFloatArray());
        }
    }

    @Test
    void kdIsZeroWhenStudentEqualsTeacherUpToAConstantAndPositiveOtherwise() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(13);
            NDArray t = m.randomNormal(new Shape(6, 10));
            NDArray shift = m.randomNormal(new Shape(6, 1));
            assertEquals(0f, scalar(LogitKd.loss(t.add(shift), t, 4f)), 1e-5f);
            NDArray s = m.randomNormal(new Shape(6, 10));
            float kd1 = scalar(LogitKd.loss(s, t, 1f));
            assertTrue(kd1 > 0f);
            // T² scaling: at T = 2 the value is 4 × the KL of the logits divided by 2.
            NDArray lt = t.div(2f).logSoftmax(1);
            float kl = scalar(lt.exp().mul(lt.sub(s.div(2f).logSoftmax(1))).sum(new int[] {1}).mean());
            assertEquals(4f * kl, scalar(LogitKd.loss(s, t, 2f)), 1e-5f);
        }
    }
}
