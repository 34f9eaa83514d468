package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Shards of a batch, in order, are the batch; sizes as numpy's array_split. */
class DataParallelSplitTest {

    @Test
    void sizesAreAsEvenAsPossibleWithTheRemainderFirst() {
        assertArrayEquals(new int[] {5, 5}, DataParallelSplit.sizes(10, 2));
        assertArrayEquals(new int[] {4, 3, 3}, DataParallelSplit.sizes(10, 3));
        assertArrayEquals(new int[] {1, 1}, DataParallelSplit.sizes(2, 4), "no empty shard");
    }

    @Test
    void shardsInOrderAreTheBatch() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int n = 7;
            NDArray x = m.arange(0f, n * 3f).reshape(n, 3);
            x.setName("image");
            NDArray y = m.arange(0, n).toType(DataType.INT64, false);
            NDArray second = m.arange(10, 10 + n).toType(DataType.INT64, false);
            NDArray w = m.linspace(0f, 1f, n);
            long[] ids = {10, 11, 12, 13, 14, 15, 16};
            List<String> text = List.of("a", "b", "c", "d", "e", "f", "g");
            Batch b = new Batch(new NDList(x), Optional.of(y), Optional.of(new LabelMix(second, w)), ids, 2,
                    Map.of("q", text));
            List<Batch> shards = DataParallelSplit.split(b, List.of(Device.cpu(), Device.cpu(), Device.cpu()));
            assertEquals(List.of(3, 2, 2), shards.stream().map(Batch::size).toList());
            List<Float> xs = new ArrayList<>();
            List<Long> allIds = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            List<Long> labels = new ArrayList<>();
            List<Long> seconds = new ArrayList<>();
            for (Batch s : shards) {
                assertEquals(new Shape(s.size(), 3), s.input("image").getShape());
                for (float f : s.input("image").toFloatArray()) {
                    xs.add(f);
                }
                for (long id : s.sampleIds()) {
                    allIds.add(id);
                }
                texts.addAll(s.texts().get("q"));
                for (long l : s.requireLabels().toLongArray()) {
                    labels.add(l);
                }
                for (long l : s.labelMix().orElseThrow().secondLabels().toLongArray()) {
                    seconds.add(l);
                }
                assertEquals(2, s.task());
            }
            float[] expected = x.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], xs.get(i));
            }
            assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L), allIds);
            assertEquals(text, texts);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), labels);
            assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L), seconds);
        }
    }
}
