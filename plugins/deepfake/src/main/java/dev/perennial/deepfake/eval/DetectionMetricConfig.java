package dev.perennial.deepfake.eval;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration shared by the detection metrics ({@code frame-auc}, {@code video-auc}, {@code eer},
 * {@code eer-roc-crossing}, {@code average-precision}, {@code accuracy-at-half}).
 *
 * @param aggregation {@code frame} or {@code video}
 * @param scoreColumn which column of the learner's scores is the fake score
 * @param videoIdText the batch text that holds each frame's video id (video level only)
 */
public record DetectionMetricConfig(
        @ConfigDoc("'frame' (every sample scored alone) or 'video' (mean frame score per video id, DeepfakeBench's "
                + "video AUC). Default: 'frame', except 'video' for video-auc.") String aggregation,
        @ConfigDoc("Column of Predictions.scores holding the fake score (probability of fake), >= 0; default 1 "
                + "(softmax over [real, fake]). A one-column score matrix is read as the fake score itself.")
        int scoreColumn,
        @ConfigDoc("Name of the batch text holding each frame's video id, unique across data sets (e.g. the full "
                + "video path); default 'video_id'. Only read at video level.") String videoIdText) {

    /** Validates the fields. */
    public DetectionMetricConfig {
        Aggregation.parse(aggregation, "aggregation");
        if (scoreColumn < 0) {
            throw new IllegalArgumentException("config field 'scoreColumn' must be >= 0; was " + scoreColumn);
        }
        if (videoIdText == null || videoIdText.isBlank()) {
            throw new IllegalArgumentException("config field 'videoIdText' must name a batch text, e.g. 'video_id'");
        }
    }

    /**
     * Frame-level defaults.
     *
     * @return frame aggregation, column 1, text {@code video_id}
     */
    public static DetectionMetricConfig frameDefaults() {
        return new DetectionMetricConfig("frame", 1, "video_id");
    }

    /**
     * Video-level defaults.
     *
     * @return video aggregation, column 1, text {@code video_id}
     */
    public static DetectionMetricConfig videoDefaults() {
        return new DetectionMetricConfig("video", 1, "video_id");
    }

    /**
     * The parsed aggregation.
     *
     * @return the level
     */
    public Aggregation level() {
        return Aggregation.parse(aggregation, "aggregation");
    }
}
