package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Equal error rate as DiffusionFake computes it: where the linearly interpolated ROC crosses FNR = FPR (lower is better). */
@PluginName("eer-roc-crossing")
public final class RocCrossingEerProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public RocCrossingEerProvider() {
        super(DetectionStatistic.EER_ROC_CROSSING, false,
                "Equal error rate as DiffusionFake computes it: where the linearly interpolated ROC crosses FNR = FPR"
                + " (lower is better).");
    }

}
