package dev.perennial.spi.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Feature;
import dev.perennial.spi.PluginState;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replay buffer's properties from specs/replay.md §8 (R1–R4, R8, R16) and the class-balanced rule. */
class ReplayBufferTest {

    private static ReplayItem item(long id, long label) {
        return new ReplayItem(id, 0, label, Map.of("image", new Feature.Floats(new float[] {id, -id}, new long[] {2})),
                Optional.of(new float[] {id * 0.5f}));
    }

    @Test
    void theFirstMOffersFillSlotsInOrder() {
        ReplayBuffer b = new ReplayBuffer(5, ReplayBuffer.Policy.RESERVOIR, 1);
        for (int i = 0; i < 5; i++) {
            assertEquals(i, b.offer(item(i, 0)), "offer " + i);
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(i, b.get(i).sampleId());
        }
    }

    @Test
    void neverExceedsCapacityAndCountsEveryOffer() {
        ReplayBuffer b = new ReplayBuffer(7, ReplayBuffer.Policy.RESERVOIR, 3);
        for (int i = 0; i < 500; i++) {
            b.offer(item(i, i % 3));
            assertTrue(b.size() <= 7);
            assertEquals(i + 1, b.seen());
        }
        assertEquals(7, b.size());
    }

    /**
     * R2: after N offers each stream index is kept with frequency M/N. 20,000 independent buffers (seeds 0..19,999);
     * bound 4σ of a binomial frequency, so a correct reservoir passes all indices with probability > 0.99 (the seeds
     * are fixed: the outcome is the same on every run), while the classic off-by-one {@code j ~ U{0..n−1}} keeps
     * the third of five offers with M = 2 always (frequency 1 instead of 0.4).
     */
    @Test
    void reservoirKeepsEveryOfferWithProbabilityMOverN() {
        int trials = 20_000;
        for (int[] mn : new int[][] {{2, 5}, {10, 100}}) {
            int m = mn[0];
            int n = mn[1];
            int[] kept = new int[n];
            for (int t = 0; t < trials; t++) {
                ReplayBuffer b = new ReplayBuffer(m, ReplayBuffer.Policy.RESERVOIR, t);
                for (int i = 0; i < n; i++) {
                    b.offer(item(i, 0));
                }
                for (ReplayItem it : b.items()) {
                    kept[(int) it.sampleId()]++;
                }
            }
            double p = (double) m / n;
            double sigma = Math.sqrt(p * (1 - p) / trials);
            for (int i = 0; i < n; i++) {
                double f = (double) kept[i] / trials;
                assertEquals(p, f, 4 * sigma, "M=" + m + " N=" + n + ": offer " + i + " kept with frequency " + f);
            }
        }
    }

    @Test
    void drawsAreDistinctAndClippedToWhatIsStored() {
        ReplayBuffer b = new ReplayBuffer(50, ReplayBuffer.Policy.RESERVOIR, 9);
        for (int i = 0; i < 20; i++) {
            b.offer(item(i, 0));
        }
        int[] all = b.sample(32, 77, 0);
        assertEquals(20, all.length, "clipped to the 20 stored");
        assertEquals(20, distinct(all));
        int[] some = b.sample(8, 77, 0);
        assertEquals(8, distinct(some));
        assertArrayEquals(some, b.sample(8, 77, 0), "a draw is a function of (step seed, draw)");
        assertTrue(!java.util.Arrays.equals(some, b.sample(8, 77, 1)), "the second draw of a step is another draw");
    }

    private static int distinct(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int x : a) {
            s.add(x);
        }
        return s.size();
    }

    @Test
    void storedValuesNeverChangeAfterInsertion() {
        float[] image = {1f, 2f};
        float[] logits = {3f};
        ReplayItem it = new ReplayItem(0, 0, 0, Map.of("image", new Feature.Floats(image, new long[] {2})),
                Optional.of(logits));
        image[0] = 99f;
        logits[0] = 99f;
        it.logits().orElseThrow()[0] = 42f;
        it.input("image")[1] = 42f;
        assertArrayEquals(new float[] {3f}, it.logits().orElseThrow());
        assertArrayEquals(new float[] {1f, 2f}, it.input("image"));
    }

    @Test
    void classBalancedKeepsEqualSharesOfEveryClassSeen() {
        ReplayBuffer b = new ReplayBuffer(20, ReplayBuffer.Policy.CLASS_BALANCED, 4);
        for (int i = 0; i < 100; i++) {
            b.offer(item(i, 0));
        }
        assertEquals(Map.of(0L, 20), b.classCounts());
        for (int i = 100; i < 200; i++) {
            b.offer(item(i, 1));
        }
        assertEquals(Map.of(0L, 10, 1L, 10), b.classCounts());
        for (int i = 200; i < 300; i++) {
            b.offer(item(i, 2 + i % 2));
        }
        assertEquals(Map.of(0L, 5, 1L, 5, 2L, 5, 3L, 5), b.classCounts());
    }

    @Test
    void stateRoundTripsAndTheRestoredBufferContinuesExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            ReplayBuffer a = new ReplayBuffer(8, ReplayBuffer.Policy.RESERVOIR, 21);
            for (int i = 0; i < 40; i++) {
                a.offer(item(i, i % 4));
            }
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            a.write("buffer/", values, tensors, m);
            assertEquals(8, values.get("buffer/examples"));
            assertEquals(a.bytes(), values.get("buffer/bytes"));
            ReplayBuffer b = new ReplayBuffer(8, ReplayBuffer.Policy.RESERVOIR, 21);
            b.read("buffer/", new PluginState(1, tensors, values));
            assertEquals(a.seen(), b.seen());
            assertSame(a.items(), b.items());
            for (int i = 40; i < 120; i++) {
                assertEquals(a.offer(item(i, i % 4)), b.offer(item(i, i % 4)), "offer " + i);
            }
            assertSame(a.items(), b.items());
            ReplayBuffer other = new ReplayBuffer(9, ReplayBuffer.Policy.RESERVOIR, 21);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> other.read("buffer/", new PluginState(1, tensors, values)));
            assertTrue(e.getMessage().contains("capacity 8"), e.getMessage());
        }
    }

    private static void assertSame(List<ReplayItem> a, List<ReplayItem> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).sameAs(b.get(i)), "slot " + i);
        }
    }
}
