package dev.perennial.deepfake.eval;

import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;
import java.util.List;

/**
 * A binary real/fake detection metric over the learner's fake scores: collects (score, label, video id) per frame,
 * then computes one {@link DetectionStatistic} at frame or video level.
 */
public final class DetectionMetric implements Metric {
    private final String pluginName;
    private final DetectionStatistic statistic;
    private final DetectionMetricConfig config;

    /**
     * Makes the metric.
     *
     * @param pluginName the plugin name, for messages
     * @param statistic what to compute
     * @param config where to read scores and video ids
     */
    public DetectionMetric(String pluginName, DetectionStatistic statistic, DetectionMetricConfig config) {
        this.pluginName = pluginName;
        this.statistic = statistic;
        this.config = config;
    }

    @Override
    public boolean higherIsBetter() {
        return statistic.higherIsBetter();
    }

    @Override
    public Accumulator newAccumulator() {
        Aggregation level = config.level();
        DetectionScores scores = new DetectionScores();
        return new Accumulator() {
            @Override
            public void add(Batch batch, Predictions predictions) {
                float[][] rows = predictions.scores().orElseThrow(() -> new IllegalArgumentException("metric '"
                        + pluginName + "' needs fake scores (Predictions.ofScores), but the learner predicted only "
                        + "classes or texts"));
                long[] labels = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
                if (rows.length != labels.length) {
                    throw new IllegalArgumentException("metric '" + pluginName + "': " + rows.length
                            + " score rows for a batch of " + labels.length);
                }
                List<String> videos = level == Aggregation.VIDEO ? videoIds(batch) : null;
                for (int i = 0; i < rows.length; i++) {
                    scores.add(fakeScore(rows[i]), labels[i], videos == null ? null : videos.get(i));
                }
            }

            @Override
            public double result() {
                return statistic.of(scores, level);
            }
        };
    }

    private List<String> videoIds(Batch batch) {
        List<String> v = batch.texts().get(config.videoIdText());
        if (v == null) {
            throw new IllegalArgumentException("metric '" + pluginName + "' at video level needs batch text '"
                    + config.videoIdText() + "' (config field 'videoIdText'); the batch has texts "
                    + batch.texts().keySet());
        }
        return v;
    }

    private double fakeScore(float[] row) {
        if (row.length == 1) {
            return row[0];
        }
        if (config.scoreColumn() >= row.length) {
            throw new IllegalArgumentException("metric '" + pluginName + "': config field 'scoreColumn' is "
                    + config.scoreColumn() + " but the learner gives " + row.length + " score columns");
        }
        return row[config.scoreColumn()];
    }
}
