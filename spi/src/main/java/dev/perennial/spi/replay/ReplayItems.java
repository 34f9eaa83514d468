package dev.perennial.spi.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Feature;
import dev.perennial.spi.PluginState;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves {@link ReplayItem}s between a step's arrays and host memory, and writes and reads them as checkpoint state.
 *
 * <p>Arrays this class makes from Java data own their memory (the rule of {@code dev.perennial.models.nn.Owned},
 * which the SPI cannot depend on): DJL's {@code manager.create(float[])} on the CPU wraps a Java buffer that only
 * the wrapping array keeps alive, so the values are copied into an engine-owned array at once.
 */
public final class ReplayItems {
    private ReplayItems() {}

    /**
     * A draw from a memory as a batch: its inputs, labels and sample ids, and the stored logits when every drawn
     * item has them.
     *
     * @param batch the drawn examples as a batch of the step's manager
     * @param logits (n, C) stored logits, when present
     */
    public record Draw(Batch batch, Optional<NDArray> logits) {}

    /**
     * Host copies of a batch's examples.
     *
     * @param batch the batch (labels required)
     * @param inputNames the inputs to keep (float32 or castable)
     * @param logits (B, C) logits to keep with each example, or empty
     * @return one item per example, in batch order
     * @throws IllegalArgumentException naming the input when the batch lacks it or the logits' rows disagree
     */
    public static List<ReplayItem> fromBatch(Batch batch, List<String> inputNames, Optional<NDArray> logits) {
        int n = batch.size();
        long[] labels = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : inputNames) {
            NDArray a = batch.input(name);
            values.put(name, a.toType(DataType.FLOAT32, false).toFloatArray());
            shapes.put(name, Arrays.copyOfRange(a.getShape().getShape(), 1, a.getShape().dimension()));
        }
        float[] z = null;
        int width = 0;
        if (logits.isPresent()) {
            Shape s = logits.get().getShape();
            if (s.dimension() != 2 || s.get(0) != n) {
                throw new IllegalArgumentException("replay: logits of shape " + s + " do not match a batch of " + n);
            }
            width = (int) s.get(1);
            z = logits.get().toType(DataType.FLOAT32, false).toFloatArray();
        }
        long[] ids = batch.sampleIds();
        List<ReplayItem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Feature.Floats> inputs = new LinkedHashMap<>();
            for (String name : inputNames) {
                float[] all = values.get(name);
                int per = all.length / n;
                inputs.put(name, new Feature.Floats(Arrays.copyOfRange(all, i * per, (i + 1) * per), shapes.get(name)));
            }
            Optional<float[]> row = z == null ? Optional.empty()
                    : Optional.of(Arrays.copyOfRange(z, i * width, (i + 1) * width));
            out.add(new ReplayItem(ids[i], batch.task(), labels[i], inputs, row));
        }
        return out;
    }

    /**
     * Items as a batch of the given manager (owned copies).
     *
     * @param items the items, all with the same inputs and shapes
     * @param manager the step's manager
     * @param task the task the batch is labelled with
     * @return the batch and, when every item has logits, the stacked logits
     * @throws IllegalArgumentException when {@code items} is empty or the items' inputs differ
     */
    public static Draw toBatch(List<ReplayItem> items, NDManager manager, int task) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("replay: cannot make a batch of no items");
        }
        int n = items.size();
        ReplayItem first = items.get(0);
        NDList inputs = new NDList();
        for (Map.Entry<String, Feature.Floats> e : first.inputs().entrySet()) {
            long[] shape = e.getValue().shape();
            int per = e.getValue().values().length;
            float[] all = new float[n * per];
            for (int i = 0; i < n; i++) {
                float[] v = items.get(i).input(e.getKey());
                if (v.length != per) {
                    throw new IllegalArgumentException("replay: item " + i + " input '" + e.getKey() + "' has "
                            + v.length + " values, the first has " + per);
                }
                System.arraycopy(v, 0, all, i * per, per);
            }
            long[] full = new long[shape.length + 1];
            full[0] = n;
            System.arraycopy(shape, 0, full, 1, shape.length);
            NDArray a = floats(manager, all, new Shape(full));
            a.setName(e.getKey());
            inputs.add(a);
        }
        long[] labels = new long[n];
        long[] ids = new long[n];
        boolean allLogits = true;
        for (int i = 0; i < n; i++) {
            labels[i] = items.get(i).label();
            ids[i] = items.get(i).sampleId();
            allLogits &= items.get(i).logits().isPresent();
        }
        Optional<NDArray> logits = Optional.empty();
        if (allLogits) {
            int width = first.logits().orElseThrow().length;
            float[] z = new float[n * width];
            for (int i = 0; i < n; i++) {
                System.arraycopy(items.get(i).logits().orElseThrow(), 0, z, i * width, width);
            }
            logits = Optional.of(floats(manager, z, new Shape(n, width)));
        }
        Batch batch = new Batch(inputs, Optional.of(longs(manager, labels)), Optional.empty(), ids, task, Map.of());
        return new Draw(batch, logits);
    }

    /**
     * Writes items as checkpoint state: their number as a plain value (for the report), id, task and label as one
     * (n, 3) int64 tensor, each input and the logits stacked into one float32 tensor each.
     *
     * @param prefix the names' prefix, e.g. {@code buffer/}
     * @param items the items, all with the same inputs
     * @param values receives the plain values
     * @param tensors receives the tensors
     * @param manager the manager of the tensors (the save step's)
     */
    public static void write(String prefix, List<ReplayItem> items, Map<String, Object> values,
                             Map<String, NDArray> tensors, NDManager manager) {
        values.put(prefix + "count", items.size());
        if (items.isEmpty()) {
            return;
        }
        long[] meta = new long[3 * items.size()];
        for (int i = 0; i < items.size(); i++) {
            ReplayItem item = items.get(i);
            meta[3 * i] = item.sampleId();
            meta[3 * i + 1] = item.task();
            meta[3 * i + 2] = item.label();
        }
        tensors.put(prefix + "meta", longs(manager, meta, new Shape(items.size(), 3)));
        Draw d = toBatch(items, manager, 0);
        for (NDArray a : d.batch().inputs()) {
            tensors.put(prefix + "input/" + a.getName(), a);
        }
        d.logits().ifPresent(z -> tensors.put(prefix + "logits", z));
    }

    /**
     * Reads items written by {@link #write}.
     *
     * @param prefix the prefix used when writing
     * @param state the checkpointed state
     * @return the items, in the order written
     * @throws IllegalStateException when the state's parts disagree
     */
    public static List<ReplayItem> read(String prefix, PluginState state) {
        int n = state.number(prefix + "count").intValue();
        List<ReplayItem> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        NDArray metaArray = state.tensor(prefix + "meta");
        if (!metaArray.getShape().equals(new Shape(n, 3))) {
            throw new IllegalStateException("checkpointed " + prefix + "meta has shape " + metaArray.getShape()
                    + " for " + n + " items; expected (" + n + ", 3)");
        }
        long[] meta = metaArray.toType(DataType.INT64, false).toLongArray();
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        String inputPrefix = prefix + "input/";
        for (Map.Entry<String, NDArray> e : state.tensors().entrySet()) {
            if (e.getKey().startsWith(inputPrefix)) {
                long[] s = e.getValue().getShape().getShape();
                if (s.length == 0 || s[0] != n) {
                    throw new IllegalStateException("checkpointed " + e.getKey() + " has shape "
                            + Arrays.toString(s) + " for " + n + " items");
                }
                values.put(e.getKey().substring(inputPrefix.length()),
                        e.getValue().toType(DataType.FLOAT32, false).toFloatArray());
                shapes.put(e.getKey().substring(inputPrefix.length()), Arrays.copyOfRange(s, 1, s.length));
            }
        }
        if (values.isEmpty()) {
            throw new IllegalStateException("checkpointed " + prefix + " holds " + n + " items but no input tensors");
        }
        float[] z = null;
        int width = 0;
        NDArray logits = state.tensors().get(prefix + "logits");
        if (logits != null) {
            width = (int) logits.getShape().get(1);
            z = logits.toType(DataType.FLOAT32, false).toFloatArray();
        }
        for (int i = 0; i < n; i++) {
            Map<String, Feature.Floats> inputs = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                int per = e.getValue().length / n;
                inputs.put(e.getKey(), new Feature.Floats(Arrays.copyOfRange(e.getValue(), i * per, (i + 1) * per),
                        shapes.get(e.getKey())));
            }
            Optional<float[]> row = z == null ? Optional.empty()
                    : Optional.of(Arrays.copyOfRange(z, i * width, (i + 1) * width));
            out.add(new ReplayItem(meta[3 * i], (int) meta[3 * i + 1], meta[3 * i + 2], inputs, row));
        }
        return out;
    }

    /** An engine-owned float32 array holding a copy of {@code data}. */
    static NDArray floats(NDManager manager, float[] data, Shape shape) {
        NDArray wrapped = manager.create(FloatBuffer.wrap(data), shape, DataType.FLOAT32);
        if (manager.getDevice().isGpu()) {
            return wrapped;
        }
        NDArray owned = wrapped.duplicate();
        wrapped.close();
        return owned;
    }

    private static NDArray longs(NDManager manager, long[] data) {
        return longs(manager, data, new Shape(data.length));
    }

    private static NDArray longs(NDManager manager, long[] data, Shape shape) {
        NDArray wrapped = manager.create(LongBuffer.wrap(data), shape, DataType.INT64);
        if (manager.getDevice().isGpu()) {
            return wrapped;
        }
        NDArray owned = wrapped.duplicate();
        wrapped.close();
        return owned;
    }
}
