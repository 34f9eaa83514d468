package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Average precision of the fake score (scikit-learn average_precision_score, no interpolation). */
@PluginName("average-precision")
public final class AveragePrecisionProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public AveragePrecisionProvider() {
        super(DetectionStatistic.AVERAGE_PRECISION, false,
                "Average precision of the fake score (scikit-learn average_precision_score, no interpolation).");
    }

}
