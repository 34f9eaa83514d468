package dev.perennial.deepfake.eval;

/**
 * The scalar a detection metric reports (specs/deepfake.md §C.3). The two EER definitions are distinct
 * statistics and must never be mixed in one table (property M6).
 */
public enum DetectionStatistic {
    /** Area under the ROC (trapezoid = Mann–Whitney). */
    AUC(true),
    /** DeepfakeBench's EER: FPR at the ROC point nearest to FNR = FPR. */
    EER_NEAREST_POINT(false),
    /** DiffusionFake's EER: the crossing of the interpolated ROC with FNR = FPR. */
    EER_ROC_CROSSING(false),
    /** scikit-learn's average precision. */
    AVERAGE_PRECISION(true),
    /** Accuracy with "fake" meaning score &gt; 0.5. */
    ACCURACY_AT_HALF(true),
    /** Accuracy at 0.5 on the reals only ({@code acc_real}). */
    REAL_ACCURACY_AT_HALF(true),
    /** Accuracy at 0.5 on the fakes only ({@code acc_fake}). */
    FAKE_ACCURACY_AT_HALF(true);

    private final boolean higherIsBetter;

    DetectionStatistic(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /**
     * Whether a higher value is better.
     *
     * @return false for the error rates
     */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Computes the statistic.
     *
     * @param scores the collected scores
     * @param level frame or video level
     * @return the value, or NaN when only one class is present (the ranking statistics are undefined then,
     *     property M5)
     */
    public double of(DetectionScores scores, Aggregation level) {
        if (this == ACCURACY_AT_HALF) {
            return scores.accuracyAtHalf(level);
        }
        if (this == REAL_ACCURACY_AT_HALF || this == FAKE_ACCURACY_AT_HALF) {
            return scores.classAccuracyAtHalf(this == FAKE_ACCURACY_AT_HALF, level);
        }
        DetectionScores.Aggregate a = scores.at(level);
        boolean pos = false;
        boolean neg = false;
        for (boolean f : a.fake()) {
            pos |= f;
            neg |= !f;
        }
        if (!pos || !neg) {
            return Double.NaN;
        }
        RocCurve roc = RocCurve.of(a.scores(), a.fake());
        return switch (this) {
            case AUC -> roc.auc();
            case EER_NEAREST_POINT -> roc.eerNearestPoint();
            case EER_ROC_CROSSING -> roc.eerInterpolated();
            case AVERAGE_PRECISION -> roc.averagePrecision();
            case ACCURACY_AT_HALF, REAL_ACCURACY_AT_HALF, FAKE_ACCURACY_AT_HALF ->
                    throw new AssertionError("handled above");
        };
    }
}
