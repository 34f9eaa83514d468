package dev.perennial.api.metrics;

import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;

/**
 * Top-1 accuracy: the fraction of samples whose predicted class id ({@link Predictions#classes()}) equals the
 * label, over every batch added to one accumulator.
 */
public final class AccuracyMetric implements Metric {
    /** Creates the metric. */
    public AccuracyMetric() {}

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private long correct;
            private long total;

            @Override
            public void add(Batch batch, Predictions predictions) {
                long[] predicted = predictions.classes().orElseThrow(() -> new IllegalArgumentException(
                        "metric 'accuracy' needs predicted class ids, but the learner returned "
                                + (predictions.texts().isPresent() ? "texts" : "no class ids")
                                + " for task " + batch.task()));
                long[] labels = BatchLabels.of(batch, "accuracy", predictions);
                for (int i = 0; i < labels.length; i++) {
                    if (predicted[i] == labels[i]) {
                        correct++;
                    }
                }
                total += labels.length;
            }

            @Override
            public double result() {
                if (total == 0) {
                    throw new IllegalStateException("metric 'accuracy': no predictions were added");
                }
                return (double) correct / total;
            }
        };
    }
}
