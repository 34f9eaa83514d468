package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Accuracy on the reals only (score at most 0.5 counts as real), DeepfakeBench's acc_real. */
@PluginName("real-accuracy")
public final class RealAccuracyProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public RealAccuracyProvider() {
        super(DetectionStatistic.REAL_ACCURACY_AT_HALF, false,
                "Accuracy on the reals only (score at most 0.5 counts as real), DeepfakeBench's acc_real.");
    }

}
