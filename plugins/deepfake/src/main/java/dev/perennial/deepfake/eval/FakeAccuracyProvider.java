package dev.perennial.deepfake.eval;

import dev.perennial.spi.PluginName;

/** Accuracy on the fakes only (score above 0.5 counts as fake), DeepfakeBench's acc_fake. */
@PluginName("fake-accuracy")
public final class FakeAccuracyProvider extends DetectionMetricProvider {
    /** Registered with ServiceLoader. */
    public FakeAccuracyProvider() {
        super(DetectionStatistic.FAKE_ACCURACY_AT_HALF, false,
                "Accuracy on the fakes only (score above 0.5 counts as fake), DeepfakeBench's acc_fake.");
    }

}
