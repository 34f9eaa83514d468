package dev.perennial.api.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Predictions;

/** Reads what the classification metrics compare: a batch's labels and a prediction's class ids. */
final class BatchLabels {
    private BatchLabels() {}

    /**
     * The batch's labels as Java longs.
     *
     * @param batch the batch
     * @param metric the metric's name, for messages
     * @param predictions checked against the batch size
     * @return the labels
     * @throws IllegalArgumentException naming the metric when the batch is unlabelled or the sizes differ
     */
    static long[] of(Batch batch, String metric, Predictions predictions) {
        NDArray labels = batch.labels().orElseThrow(() -> new IllegalArgumentException("metric '" + metric
                + "' needs class labels, but the evaluation batch of task " + batch.task() + " has none"));
        if (predictions.size() != batch.size()) {
            throw new IllegalArgumentException("metric '" + metric + "': the learner returned " + predictions.size()
                    + " predictions for a batch of " + batch.size() + " samples");
        }
        if (!labels.getDataType().isInteger()) {
            throw new IllegalArgumentException("metric '" + metric + "': batch labels must be integer class ids, "
                    + "were " + labels.getDataType());
        }
        if (labels.getDataType() == DataType.INT64) {
            return labels.toLongArray();
        }
        try (NDArray wide = labels.toType(DataType.INT64, true)) {
            return wide.toLongArray();
        }
    }
}
