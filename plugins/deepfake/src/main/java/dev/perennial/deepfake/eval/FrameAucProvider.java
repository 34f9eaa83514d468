package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Frame-level ROC AUC of the fake score (trapezoid = Mann-Whitney, ties count one half); NaN when one class is absent. */
@PluginName("frame-auc")
public final class FrameAucProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public FrameAucProvider() {
        super(DetectionStatistic.AUC, false,
                "Frame-level ROC AUC of the fake score (trapezoid = Mann-Whitney, ties count one half); NaN when one"
                + " class is absent.");
    }

}
