package dev.perennial.api.metrics;

import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;

/**
 * Top-k accuracy: the fraction of samples whose label is among the k highest class scores
 * ({@link Predictions#scores()}). A label counts as in the top k when fewer than k classes score strictly higher,
 * so ties are resolved in the label's favour.
 */
public final class TopKAccuracyMetric implements Metric {
    private final int k;
    private final String name;

    /**
     * Creates the metric.
     *
     * @param k how many of the highest scores count, at least 1
     * @param name the metric's name, for messages, e.g. {@code top5-accuracy}
     */
    public TopKAccuracyMetric(int k, String name) {
        if (k < 1) {
            throw new IllegalArgumentException("metric '" + name + "': k must be >= 1, was " + k);
        }
        this.k = k;
        this.name = name;
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private long correct;
            private long total;

            @Override
            public void add(Batch batch, Predictions predictions) {
                float[][] scores = predictions.scores().orElseThrow(() -> new IllegalArgumentException(
                        "metric '" + name + "' needs class scores, but the learner's predictions for task "
                                + batch.task() + " carry " + (predictions.texts().isPresent() ? "texts"
                                : "only class ids") + "; use metric 'accuracy' or return Predictions.ofScores"));
                long[] labels = BatchLabels.of(batch, name, predictions);
                for (int i = 0; i < labels.length; i++) {
                    float[] row = scores[i];
                    long label = labels[i];
                    if (label < 0 || label >= row.length) {
                        throw new IllegalArgumentException("metric '" + name + "': label " + label + " of sample "
                                + i + " has no score; the learner scored " + row.length + " classes");
                    }
                    float own = row[(int) label];
                    int higher = 0;
                    for (float s : row) {
                        if (s > own) {
                            higher++;
                        }
                    }
                    if (higher < k) {
                        correct++;
                    }
                }
                total += labels.length;
            }

            @Override
            public double result() {
                if (total == 0) {
                    throw new IllegalStateException("metric '" + name + "': no predictions were added");
                }
                return (double) correct / total;
            }
        };
    }
}
