package dev.perennial.continual.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CODA-Prompt's pieces: prompts.md P8 (α), P10 (Gram–Schmidt), P11 (orthogonality penalty). */
class CodaMathTest {

    @Test
    void attentionIsACosineAndIgnoresTheQueryScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(3, 6));
            NDArray a = m.randomNormal(new Shape(4, 6));
            NDArray k = m.randomNormal(new Shape(4, 6));
            NDArray alpha = CodaPromptLearner.attention(q, a, k);
            assertEquals(new Shape(3, 4), alpha.getShape());
            float[] v = alpha.toFloatArray();
            for (float x : v) {
                assertTrue(x >= -1 - 1e-6 && x <= 1 + 1e-6, "α in [−1, 1]: " + x);
            }
            float[] scaled = CodaPromptLearner.attention(q.mul(7.5f), a, k).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(v[i], scaled[i], 1e-5);
            }
            // One entry by hand: cos(q_0 ⊙ a_1, k_1).
            float[] qv = q.get(0).toFloatArray();
            float[] av = a.get(1).toFloatArray();
            float[] kv = k.get(1).toFloatArray();
            double dot = 0;
            double n1 = 0;
            double n2 = 0;
            for (int j = 0; j < 6; j++) {
                double x = qv[j] * av[j];
                dot += x * kv[j];
                n1 += x * x;
                n2 += kv[j] * kv[j];
            }
            assertEquals(dot / Math.sqrt(n1 * n2), v[1], 1e-5);
        }
    }

    @Test
    void orthoPenaltyIsZeroForOrthonormalRowsAndNineOverNForTwiceTheIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            float c = (float) Math.cos(0.3);
            float s = (float) Math.sin(0.3);
            NDArray rotation = m.create(new float[] {c, -s, 0, s, c, 0}, new Shape(2, 3));
            assertEquals(0f, CodaPromptLearner.orthoPenalty(rotation).getFloat(), 1e-7);
            int n = 4;
            NDArray twice = m.eye(n).mul(2f);
            assertEquals(9.0 / n, CodaPromptLearner.orthoPenalty(twice).getFloat(), 1e-6);
            NDArray skew = m.create(new float[] {1, 0, 1, 1}, new Shape(2, 2));
            assertTrue(CodaPromptLearner.orthoPenalty(skew).getFloat() > 0.1f);
        }
    }

    @Test
    void gramSchmidtRowsAreUnitAndOrthogonalToNonOrthogonalEarlierRows() {
        Random r = new Random(1);
        // Earlier rows as after training: neither unit nor orthogonal, one of them dependent on the others.
        double[][] earlier = new double[4][10];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 10; j++) {
                earlier[i][j] = r.nextGaussian() + 0.5;
            }
        }
        for (int j = 0; j < 10; j++) {
            earlier[3][j] = earlier[0][j] - 2 * earlier[1][j];
        }
        double[][] rows = GramSchmidt.newRows(earlier, 5, 10, new Random(2));
        for (int i = 0; i < rows.length; i++) {
            assertEquals(1.0, dot(rows[i], rows[i]), 1e-12);
            for (double[] e : earlier) {
                assertTrue(Math.abs(dot(rows[i], e)) < 1e-10, "orthogonal to every earlier row");
            }
            for (int k = 0; k < i; k++) {
                assertTrue(Math.abs(dot(rows[i], rows[k])) < 1e-12);
            }
        }
        // Rank 3 earlier + 8 new > 10.
        assertThrows(IllegalArgumentException.class, () -> GramSchmidt.newRows(earlier, 8, 10, new Random(3)));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
