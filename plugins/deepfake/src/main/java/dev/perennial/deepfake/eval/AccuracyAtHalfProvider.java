package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Accuracy with fake meaning a fake score strictly above 0.5. */
@PluginName("accuracy-at-half")
public final class AccuracyAtHalfProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public AccuracyAtHalfProvider() {
        super(DetectionStatistic.ACCURACY_AT_HALF, false,
                "Accuracy with fake meaning a fake score strictly above 0.5.");
    }

}
