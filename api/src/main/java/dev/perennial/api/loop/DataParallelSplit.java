package dev.perennial.api.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits a batch over data-parallel replicas: contiguous shards along the sample axis, sizes as numpy's
 * {@code array_split} (the first {@code n mod k} shards one sample larger), each shard's arrays moved to its replica's
 * device. Inputs, labels, the label mix, sample ids and texts are cut at the same places, so the shards in order
 * are the batch. A batch smaller than the number of replicas gives one shard per sample.
 */
final class DataParallelSplit {
    private DataParallelSplit() {}

    /**
     * Shard sizes.
     *
     * @param n samples
     * @param replicas replicas
     * @return the sizes, none zero, summing to {@code n}
     */
    static int[] sizes(int n, int replicas) {
        int k = Math.min(n, replicas);
        int[] sizes = new int[k];
        for (int i = 0; i < k; i++) {
            sizes[i] = n / k + (i < n % k ? 1 : 0);
        }
        return sizes;
    }

    /**
     * Splits a batch.
     *
     * @param batch the batch, on the first device
     * @param devices the replicas' devices
     * @return one shard per replica (fewer when the batch is smaller)
     */
    static List<Batch> split(Batch batch, List<Device> devices) {
        int[] sizes = sizes(batch.size(), devices.size());
        List<Batch> shards = new ArrayList<>(sizes.length);
        long[] ids = batch.sampleIds();
        int from = 0;
        for (int i = 0; i < sizes.length; i++) {
            int to = from + sizes[i];
            Device device = devices.get(i);
            NDIndex rows = new NDIndex(from + ":" + to);
            NDList inputs = new NDList();
            for (NDArray input : batch.inputs()) {
                NDArray part = on(input.get(rows), device);
                part.setName(input.getName());
                inputs.add(part);
            }
            Optional<NDArray> labels = batch.labels().map(l -> on(l.get(rows), device));
            Optional<LabelMix> mix = batch.labelMix().map(m -> new LabelMix(on(m.secondLabels().get(rows), device),
                    on(m.weights().get(rows), device)));
            Map<String, List<String>> texts = new LinkedHashMap<>();
            int a = from;
            batch.texts().forEach((k, v) -> texts.put(k, List.copyOf(v.subList(a, to))));
            shards.add(new Batch(inputs, labels, mix, Arrays.copyOfRange(ids, from, to), batch.task(), texts));
            from = to;
        }
        return shards;
    }

    private static NDArray on(NDArray a, Device device) {
        return a.getDevice().equals(device) ? a : a.toDevice(device, false);
    }
}
