package dev.perennial.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.Task;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The domain-incremental scenario: every class in every task, a per-task permutation or rotation of the images. */
class DomainIncrementalSplitterTest {

    /** 3 classes; example i is a 2×4×4 image whose pixel p of channel c holds 100·c + p + 1000·i. */
    private static final class Images implements DatasetSource {
        @Override
        public DatasetSplit train() {
            return split(9, 0);
        }

        @Override
        public DatasetSplit test() {
            return split(6, 100);
        }

        private static DatasetSplit split(int n, int offset) {
            int[] labels = IntStream.range(0, n).map(i -> i % 3).toArray();
            return new DecodingSplit(labels, List.of("a", "b", "c"), i -> {
                float[] v = new float[32];
                for (int k = 0; k < 32; k++) {
                    v[k] = 1000 * (offset + i) + 100 * (k / 16) + k % 16;
                }
                return Example.labelledImage(offset + i, labels[i], new Feature.Floats(v, new long[] {2, 4, 4}));
            });
        }

        @Override
        public String describe() {
            return "images";
        }
    }

    private static float[] image(DatasetSplit s, int i) {
        return ((Feature.Floats) s.get(i).features().get("image")).values();
    }

    @Test
    void permutedTasksHoldEveryClassAndOnePermutationPerTaskForTrainAndTest() {
        Scenario s = new DomainIncrementalSplitter(new DomainIncrementalConfig(3, "permute", 30, 5))
                .split(new Images());
        assertEquals(3, s.tasks().size());
        int[][] maps = new int[3][];
        for (Task t : s.tasks()) {
            assertArrayEquals(new int[] {0, 1, 2}, t.info().classes());
            assertArrayEquals(new Images().train().labels(), t.train().labels());
            assertEquals(9, t.train().size());
            assertEquals(t.info().index() * DomainIncrementalSplitter.ID_STRIDE + 4, t.train().get(4).id());
            // where each output pixel of channel 0 came from, read off the encoded values
            int[] map = new int[16];
            float[] x = image(t.train(), 2);
            for (int p = 0; p < 16; p++) {
                map[p] = (int) (x[p] - 2000);
                assertEquals(map[p] + 100, x[16 + p] - 2000, 0f, "the same permutation for every channel");
            }
            assertArrayEquals(IntStream.range(0, 16).toArray(), Arrays.stream(map).sorted().toArray(),
                    "a permutation of the pixels");
            float[] y = image(t.test(), 1);
            for (int p = 0; p < 16; p++) {
                assertEquals(map[p], (int) (y[p] - 101000), "the test images use the task's permutation");
            }
            maps[t.info().index()] = map;
        }
        assertFalse(Arrays.equals(maps[0], maps[1]));
        assertFalse(Arrays.equals(maps[1], maps[2]));
    }

    @Test
    void rotatedTasksTurnTheImageByMultiplesOfTheStep() {
        Scenario s = new DomainIncrementalSplitter(new DomainIncrementalConfig(3, "rotate", 90, 0))
                .split(new Images());
        float[] original = image(new Images().train(), 0);
        assertArrayEquals(original, image(s.tasks().get(0).train(), 0), 1e-6f, "task 0 rotates by 0°");
        float[] quarter = image(s.tasks().get(1).train(), 0);
        float[] half = image(s.tasks().get(2).train(), 0);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                // a half turn about the centre maps (y, x) to (3 − y, 3 − x) whichever the direction
                assertEquals(original[(3 - y) * 4 + (3 - x)], half[y * 4 + x], 1e-4f);
            }
        }
        float[] sortedQuarter = quarter.clone();
        float[] sortedOriginal = original.clone();
        Arrays.sort(sortedQuarter);
        Arrays.sort(sortedOriginal);
        assertArrayEquals(sortedOriginal, sortedQuarter, 1e-4f, "a quarter turn of a square moves whole pixels");
        assertFalse(Arrays.equals(original, quarter));
        assertTrue(s.tasks().get(1).info().name().contains("90"), s.tasks().get(1).info().name());
    }

    @Test
    void refusesWhatItCannotCut() {
        assertThrows(IllegalArgumentException.class, () -> new DomainIncrementalConfig(0, "permute", 30, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DomainIncrementalConfig(2, "shear", 30, 0));
        assertTrue(e.getMessage().contains("'permute' or 'rotate'"), e.getMessage());
    }
}
