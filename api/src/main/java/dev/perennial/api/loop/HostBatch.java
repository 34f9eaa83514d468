package dev.perennial.api.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A batch decoded and collated on the Java heap, off the training thread; {@link #toBatch} turns it into
 * arrays on the training thread with one copy per feature.
 */
final class HostBatch {
    private final int task;
    private final long[] ids;
    private final long[] labels;
    private final Map<String, Object> features;
    private final Map<String, long[]> shapes;
    private final Map<String, List<String>> texts;

    private HostBatch(int task, long[] ids, long[] labels, Map<String, Object> features, Map<String, long[]> shapes,
                      Map<String, List<String>> texts) {
        this.task = task;
        this.ids = ids;
        this.labels = labels;
        this.features = features;
        this.shapes = shapes;
        this.texts = texts;
    }

    /**
     * Collates examples: features of one name must share their shape and type.
     *
     * @param task the task index
     * @param examples the decoded examples
     * @param where names the data set for messages
     * @return the batch
     * @throws IllegalArgumentException naming the feature when shapes or types differ
     */
    static HostBatch collate(int task, List<Example> examples, String where) {
        int n = examples.size();
        Example first = examples.get(0);
        long[] ids = new long[n];
        boolean labelled = first.label().isPresent();
        long[] labels = labelled ? new long[n] : null;
        Map<String, Object> features = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Feature> e : first.features().entrySet()) {
            long[] shape = e.getValue().shape();
            int size = Math.toIntExact(Arrays.stream(shape).reduce(1, (x, y) -> x * y));
            shapes.put(e.getKey(), shape);
            features.put(e.getKey(), e.getValue() instanceof Feature.Floats ? new float[n * size] : new long[n * size]);
        }
        Map<String, List<String>> texts = new LinkedHashMap<>();
        first.texts().keySet().forEach(k -> texts.put(k, new ArrayList<>(n)));
        for (int i = 0; i < n; i++) {
            Example ex = examples.get(i);
            ids[i] = ex.id();
            if (labelled) {
                labels[i] = ex.label().orElseThrow(() -> new IllegalArgumentException(where + ": example " + ex.id()
                        + " has no label but others in its batch do"));
            }
            if (!ex.features().keySet().equals(shapes.keySet())) {
                throw new IllegalArgumentException(where + ": example " + ex.id() + " has features "
                        + ex.features().keySet() + " but the batch has " + shapes.keySet());
            }
            for (Map.Entry<String, Feature> e : ex.features().entrySet()) {
                long[] shape = shapes.get(e.getKey());
                if (!Arrays.equals(shape, e.getValue().shape())) {
                    throw new IllegalArgumentException(where + ": feature '" + e.getKey() + "' of example " + ex.id()
                            + " has shape " + Arrays.toString(e.getValue().shape()) + " but earlier examples have "
                            + Arrays.toString(shape) + "; resize the data (e.g. the source's resize option)");
                }
                Object target = features.get(e.getKey());
                if (e.getValue() instanceof Feature.Floats f && target instanceof float[] t) {
                    System.arraycopy(f.values(), 0, t, i * f.values().length, f.values().length);
                } else if (e.getValue() instanceof Feature.Longs l && target instanceof long[] t) {
                    System.arraycopy(l.values(), 0, t, i * l.values().length, l.values().length);
                } else {
                    throw new IllegalArgumentException(where + ": feature '" + e.getKey() + "' changes type at example "
                            + ex.id());
                }
            }
            for (Map.Entry<String, List<String>> t : texts.entrySet()) {
                t.getValue().add(ex.texts().getOrDefault(t.getKey(), ""));
            }
        }
        return new HostBatch(task, ids, labels, features, shapes, texts);
    }

    int size() {
        return ids.length;
    }

    /**
     * Creates the arrays in a manager (the step's).
     *
     * @param manager the step's manager
     * @return the batch
     */
    Batch toBatch(NDManager manager) {
        NDList inputs = new NDList(features.size());
        for (Map.Entry<String, Object> e : features.entrySet()) {
            long[] shape = shapes.get(e.getKey());
            long[] full = new long[shape.length + 1];
            full[0] = ids.length;
            System.arraycopy(shape, 0, full, 1, shape.length);
            // Owned copies: an array wrapping Java memory would leave its views (and autograd's saved inputs)
            // reading freed memory once the step's array is closed and collected (models.nn.Owned).
            NDArray a = e.getValue() instanceof float[] f
                    ? Owned.floats(manager, f, new Shape(full))
                    : Owned.longs(manager, (long[]) e.getValue(), new Shape(full));
            a.setName(e.getKey());
            inputs.add(a);
        }
        Optional<NDArray> labelArray = labels == null ? Optional.empty() : Optional.of(Owned.longs(manager, labels));
        return new Batch(inputs, labelArray, Optional.empty(), ids, task, texts);
    }
}
