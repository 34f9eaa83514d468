package dev.perennial.continual.safe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** safe.md §6, S5–S10: the entropy aggregation. */
class EntropyAggregationTest {

    private static NDArray rows(NDManager m, float[]... rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return m.create(flat, new Shape(rows.length, rows[0].length));
    }

    @Test
    void weightsLieInTheOpenIntervalAndSumToOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zf = rows(m, new float[] {3, 0, 1}, new float[] {0.1f, 0.2f, 0.3f});
            NDArray zs = rows(m, new float[] {0, 0, 0}, new float[] {5, -2, 1});
            float[] w = EntropyAggregation.weights(zf, zs, 1f).toFloatArray();
            for (int b = 0; b < 2; b++) {
                assertTrue(w[2 * b] > 0 && w[2 * b] < 1 && w[2 * b + 1] > 0 && w[2 * b + 1] < 1);
                assertEquals(1f, w[2 * b] + w[2 * b + 1], 1e-6f);
            }
        }
    }

    @Test
    void lowerEntropyGetsTheLargerWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray peaked = rows(m, new float[] {6, 0, 0});
            NDArray flat = rows(m, new float[] {1, 0.9f, 1.1f});
            assertTrue(EntropyAggregation.weights(peaked, flat, 1f).toFloatArray()[0] > 0.5f);
            assertTrue(EntropyAggregation.weights(flat, peaked, 1f).toFloatArray()[0] < 0.5f);
        }
    }

    @Test
    void equalEntropiesAverageTheLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zf = rows(m, new float[] {2, 0, 1});
            NDArray zs = rows(m, new float[] {0, 1, 2}); // a permutation: the same entropy
            assertArrayEquals(new float[] {1, 0.5f, 1.5f},
                    EntropyAggregation.combine(zf, zs, 5f).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void gammaZeroAveragesAndLargeGammaSelectsTheLowerEntropyLearner() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zf = rows(m, new float[] {0.3f, 0.2f, 0.1f});
            NDArray zs = rows(m, new float[] {0, 0, 4});
            assertArrayEquals(zf.add(zs).div(2f).toFloatArray(),
                    EntropyAggregation.combine(zf, zs, 0f).toFloatArray(), 1e-6f);
            NDArray z = EntropyAggregation.combine(zf, zs, 1e4f);
            assertEquals(zs.argMax(1).getLong(0), z.argMax(1).getLong(0));
            assertArrayEquals(zs.toFloatArray(), z.toFloatArray(), 1e-4f);
        }
    }

    @Test
    void identicalLogitsComeBackUnchangedAndWeightsIgnoreACommonEntropyShift() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = rows(m, new float[] {1, -2, 0.5f});
            assertArrayEquals(z.toFloatArray(), EntropyAggregation.combine(z, z, 3f).toFloatArray(), 1e-6f);
            // softmax(−γ[H_F + c, H_S + c]) = softmax(−γ[H_F, H_S]): adding a class with equal, vanishing
            // probability to both shifts neither weight noticeably, so compare the closed form instead.
            NDArray zf = rows(m, new float[] {2, 0, 0});
            NDArray zs = rows(m, new float[] {1, 0, 0});
            float hf = EntropyAggregation.entropy(zf).getFloat();
            float hs = EntropyAggregation.entropy(zs).getFloat();
            double c = 0.7;
            double wf = Math.exp(-(hf + c)) / (Math.exp(-(hf + c)) + Math.exp(-(hs + c)));
            assertEquals(wf, EntropyAggregation.weights(zf, zs, 1f).toFloatArray()[0], 1e-6);
        }
    }

    @Test
    void entropyIsZeroWhenPeakedAndLogCWhenUniform() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(0f, EntropyAggregation.entropy(rows(m, new float[] {100, 0, 0, 0})).getFloat(), 1e-6f);
            assertEquals((float) Math.log(4),
                    EntropyAggregation.entropy(rows(m, new float[] {0.5f, 0.5f, 0.5f, 0.5f})).getFloat(), 1e-6f);
        }
    }
}
