package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Equal error rate as DeepfakeBench computes it: FPR at the ROC point where |FNR - FPR| is smallest (lower is better). */
@PluginName("eer")
public final class EerProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public EerProvider() {
        super(DetectionStatistic.EER_NEAREST_POINT, false,
                "Equal error rate as DeepfakeBench computes it: FPR at the ROC point where |FNR - FPR| is smallest"
                + " (lower is better).");
    }

}
