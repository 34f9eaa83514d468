package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The features of a task's training data, computed once with gradients off (the loop's {@link TaskData} passes),
 * with their labels, kept in a manager the caller owns and closes.
 *
 * @param features (N, D) float32
 * @param labels (N) int64
 */
public record FeatureTable(NDArray features, NDArray labels) implements AutoCloseable {

    /**
     * Runs an extractor over every training batch of the task.
     *
     * @param data the task data
     * @param batchSize the batch size of the pass
     * @param into the manager the table lives in
     * @param extractor features (B, D) of a batch
     * @return the table
     */
    public static FeatureTable collect(TaskData data, int batchSize, NDManager into,
                                       BiFunction<Batch, StepContext, NDArray> extractor) {
        List<NDArray> parts = new ArrayList<>();
        List<NDArray> labels = new ArrayList<>();
        data.forEachBatch(batchSize, (batch, step) -> {
            NDArray f = extractor.apply(batch, step).toType(DataType.FLOAT32, false).duplicate();
            NDArray y = batch.requireLabels().toType(DataType.INT64, false).duplicate();
            // The visitor runs inside the loop's NDScope, which would close these at the end of the batch.
            NDScope.unregister(f, y);
            f.attach(into);
            y.attach(into);
            parts.add(f);
            labels.add(y);
        });
        if (parts.isEmpty()) {
            throw new IllegalStateException("task " + data.task().name() + " has no training data");
        }
        NDArray all = concat(parts);
        NDArray allLabels = concat(labels);
        NDScope.unregister(all, allLabels);
        all.attach(into);
        allLabels.attach(into);
        parts.forEach(NDArray::close);
        labels.forEach(NDArray::close);
        return new FeatureTable(all, allLabels);
    }

    /** @return N */
    public int size() {
        return (int) features.getShape().get(0);
    }

    @Override
    public void close() {
        features.close();
        labels.close();
    }

    private static NDArray concat(List<NDArray> list) {
        return list.size() == 1 ? list.get(0).duplicate() : NDArrays.concat(new NDList(list), 0);
    }
}
