package dev.perennial.continual.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** iCaRL's targets and distillation forms (specs/replay.md R14, R15). */
class IcarlLossTest {

    @Test
    void bceTargetsAreOldSigmoidsOnOldClassesOneHotOnNewAndZeroOnFuture() {
        try (NDManager m = NDManager.newBaseManager()) {
            // classes 0, 1 old; 2, 3 new (label 3); 4, 5 future
            NDArray oneHot = m.create(new float[] {0, 0, 0, 1, 0, 0}, new Shape(1, 6));
            NDArray old = m.create(new float[] {2f, -1f, 5f, 5f, 5f, 5f}, new Shape(1, 6));
            float[] t = IcarlProvider.IcarlLearner.bceTargets(oneHot, old,
                    new boolean[] {true, true, false, false, false, false}).toFloatArray();
            double s2 = 1 / (1 + Math.exp(-2));
            double s1 = 1 / (1 + Math.exp(1));
            assertArrayEquals(new float[] {(float) s2, (float) s1, 0f, 1f, 0f, 0f}, t, 1e-6f);
        }
    }

    @Test
    void stableBceEqualsTheNaiveFormulaAndIsNonNegative() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = {-3f, -0.5f, 0f, 0.7f, 4f};
            float[] t = {0f, 0.3f, 1f, 0.9f, 0.2f};
            float[] got = IcarlProvider.IcarlLearner.bceWithLogits(m.create(z), m.create(t)).toFloatArray();
            for (int i = 0; i < z.length; i++) {
                double p = 1 / (1 + Math.exp(-z[i]));
                double naive = -(t[i] * Math.log(p) + (1 - t[i]) * Math.log(1 - p));
                assertEquals(naive, got[i], 1e-5, "element " + i);
                assertTrue(got[i] >= 0);
            }
        }
    }

    @Test
    void softmaxKdAtEqualLogitsIsTheEntropyOfTheOldSoftmaxNotZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = {1f, 3f, -2f, 9f};
            boolean[] old = {true, true, true, false};
            NDArray a = m.create(z, new Shape(1, 4));
            double kd = IcarlProvider.IcarlLearner.softmaxKd(a, a, old, 2f).getFloat();
            double[] q = {Math.exp(0.5), Math.exp(1.5), Math.exp(-1)};
            double sum = q[0] + q[1] + q[2];
            double entropy = 0;
            for (double v : q) {
                entropy -= v / sum * Math.log(v / sum);
            }
            assertEquals(entropy, kd, 1e-5);
            // and the general form −(1/B) Σ softmax(z_old/2) · log softmax(z/2), old classes only
            NDArray b = m.create(new float[] {0f, 1f, 2f, -5f, 2f, 2f, 0f, 100f}, new Shape(2, 4));
            NDArray c = m.create(new float[] {1f, 0f, 0f, 7f, 0f, 1f, 3f, -100f}, new Shape(2, 4));
            double expected = 0;
            float[] bz = b.toFloatArray();
            float[] cz = c.toFloatArray();
            for (int r = 0; r < 2; r++) {
                double zs = 0;
                double ps = 0;
                for (int k = 0; k < 3; k++) {
                    zs += Math.exp(bz[4 * r + k] / 2);
                    ps += Math.exp(cz[4 * r + k] / 2);
                }
                for (int k = 0; k < 3; k++) {
                    expected -= Math.exp(cz[4 * r + k] / 2) / ps * (bz[4 * r + k] / 2 - Math.log(zs)) / 2;
                }
            }
            assertEquals(expected, IcarlProvider.IcarlLearner.softmaxKd(b, c, old, 2f).getFloat(), 1e-5);
        }
    }
}
