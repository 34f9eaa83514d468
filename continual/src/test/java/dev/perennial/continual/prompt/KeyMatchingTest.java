package dev.perennial.continual.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import org.junit.jupiter.api.Test;

/** Query–key matching: prompts.md P2 (top-N), P3 (batch-wise), P4 (surrogate loss). */
class KeyMatchingTest {

    @Test
    void topNPicksTheMostSimilarKeysInOrderAndTiesGoToTheLowerIndex() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Keys at angles 0°, 90°, 30°, 60°, 30° (a duplicate of key 2) from the query (1, 0).
            double[] deg = {0, 90, 30, 60, 30};
            float[] keys = new float[deg.length * 2];
            for (int i = 0; i < deg.length; i++) {
                keys[2 * i] = (float) (3 * Math.cos(Math.toRadians(deg[i])));
                keys[2 * i + 1] = (float) (3 * Math.sin(Math.toRadians(deg[i])));
            }
            NDArray q = Owned.floats(m, new float[] {2f, 0f, 0f, -1f}, new Shape(2, 2));
            NDArray sim = KeyMatching.cosine(q, Owned.floats(m, keys, new Shape(5, 2)));
            int[][] top = KeyMatching.topN(sim, 3);
            assertArrayEquals(new int[] {0, 2, 4}, top[0]);
            // Query (0, −1): cosines 0, −1, −0.5, −0.87, −0.5.
            assertArrayEquals(new int[] {0, 2, 4}, top[1]);
            assertArrayEquals(new int[] {0, 2}, KeyMatching.topN(sim, 2)[0]);
            assertThrows(IllegalArgumentException.class, () -> KeyMatching.topN(sim, 6));
        }
    }

    @Test
    void batchwiseUsesTheMostFrequentPromptsForEverySample() {
        int[][] perSample = {{1, 2}, {1, 3}, {1, 2}};
        int[][] out = KeyMatching.batchwise(perSample, 2, 5);
        for (int[] row : out) {
            assertArrayEquals(new int[] {1, 2}, row);
        }
        // Ties in count go to the lower index.
        assertArrayEquals(new int[] {0, 3}, KeyMatching.batchwise(new int[][] {{3, 0}, {4, 0}}, 2, 5)[0]);
    }

    @Test
    void pullLossIsMinusLambdaNWhenQueriesEqualTheKeysAndZeroWhenOrthogonal() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray keys = Owned.floats(m, new float[] {1, 0, 0, 0, 2, 0, 0, 0, 5}, new Shape(3, 3));
            NDArray q = Owned.floats(m, new float[] {1, 0, 0, 0, 1, 0}, new Shape(2, 3));
            NDArray sim = KeyMatching.cosine(q, keys);
            // Each query equals (up to scale) its one selected key: −λ·N with N = 1.
            float same = KeyMatching.pullLoss(sim, new int[][] {{0}, {1}}, 0.5f).getFloat();
            assertEquals(-0.5f * 1, same, 1e-6);
            NDArray q2 = Owned.floats(m, new float[] {1, 1, 0, 1, 1, 0}, new Shape(2, 3));
            NDArray k2 = Owned.floats(m, new float[] {1, 1, 0, 1, 1, 0, 0, 0, 1}, new Shape(3, 3));
            float both = KeyMatching.pullLoss(KeyMatching.cosine(q2, k2), new int[][] {{0, 1}, {1, 0}}, 0.1f)
                    .getFloat();
            assertEquals(-0.1f * 2, both, 1e-6, "q = k_i for all N = 2 selected: −λ·N");
            float orthogonal = KeyMatching.pullLoss(sim, new int[][] {{2}, {2}}, 0.5f).getFloat();
            assertEquals(0f, orthogonal, 1e-7);
        }
    }
}
