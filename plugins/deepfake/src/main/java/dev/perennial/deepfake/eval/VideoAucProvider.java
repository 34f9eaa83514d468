package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Video-level ROC AUC: mean frame score per video id (DeepfakeBench); NaN when one class is absent. */
@PluginName("video-auc")
public final class VideoAucProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public VideoAucProvider() {
        super(DetectionStatistic.AUC, true,
                "Video-level ROC AUC: mean frame score per video id (DeepfakeBench); NaN when one class is absent.");
    }

}
