package dev.perennial.deepfake.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties M1–M7 of specs/deepfake.md §C.6, and AUC = Mann–Whitney. */
class RocCurveTest {

    private static boolean[] fake(int... y) {
        boolean[] out = new boolean[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i] >= 1;
        }
        return out;
    }

    @Test
    void toyRocOfTheSpec() {
        RocCurve roc = RocCurve.of(new double[] {0.1, 0.4, 0.35, 0.8}, fake(0, 0, 1, 1));
        assertArrayEquals(new double[] {0, 0, 0.5, 0.5, 1}, roc.fpr(), 0);
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 1}, roc.tpr(), 0);
        assertEquals(0.75, roc.auc(), 1e-12);
        assertEquals(0.5, roc.eerNearestPoint(), 0);
        // sklearn average_precision_score([0,0,1,1],[.1,.4,.35,.8]) = 0.5·1 + 0.5·(2/3) = 0.8333…
        assertEquals(0.5 + 0.5 * 2.0 / 3.0, roc.averagePrecision(), 1e-12);
    }

    @Test
    void perfectAndReversedRankings() {
        RocCurve perfect = RocCurve.of(new double[] {0.1, 0.2, 0.8, 0.9}, fake(0, 0, 1, 1));
        assertEquals(1.0, perfect.auc(), 0);
        assertEquals(0.0, perfect.eerNearestPoint(), 0);
        assertEquals(0.0, perfect.eerInterpolated(), 0);
        assertEquals(1.0, perfect.averagePrecision(), 0);
        RocCurve reversed = RocCurve.of(new double[] {0.9, 0.8, 0.2, 0.1}, fake(0, 0, 1, 1));
        assertEquals(0.0, reversed.auc(), 0);
        assertEquals(1.0, reversed.eerInterpolated(), 1e-12);
    }

    @Test
    void tiesCountHalf() {
        RocCurve allTied = RocCurve.of(new double[] {0.5, 0.5, 0.5, 0.5}, fake(0, 1, 0, 1));
        assertEquals(0.5, allTied.auc(), 1e-12);
        assertEquals(2, allTied.fpr().length, "one tied threshold: one point after (0, 0)");
        // One tie between a positive and a negative among 2×2 pairs: (3 + 0.5) / 4.
        RocCurve oneTie = RocCurve.of(new double[] {0.1, 0.6, 0.6, 0.9}, fake(0, 0, 1, 1));
        assertEquals(3.5 / 4, oneTie.auc(), 1e-12);
    }

    @Test
    void aucEqualsMannWhitneyOnRandomScores() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 5 + r.nextInt(40);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(8) / 8.0; // coarse grid: many ties
                y[i] = i % 3 == 0 || r.nextBoolean();
            }
            y[0] = true;
            y[1] = false;
            double u = 0;
            int pos = 0;
            int neg = 0;
            for (int i = 0; i < n; i++) {
                if (y[i]) {
                    pos++;
                } else {
                    neg++;
                }
                for (int j = 0; j < n; j++) {
                    if (y[i] && !y[j]) {
                        u += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            assertEquals(u / ((double) pos * neg), RocCurve.of(s, y).auc(), 1e-12);
        }
    }

    @Test
    void eerVariantsOnAWorkedExample() {
        // y = [0,0,0,1,1,1], p = [0.1, 0.3, 0.85, 0.2, 0.8, 0.9]: points (0,0) (0,1/3) (1/3,1/3) (1/3,2/3)
        // (2/3,2/3) (2/3,1) (1,1), none collinear; |FNR − FPR| is smallest (0) at (1/3, 2/3), where the
        // interpolated curve also crosses FNR = FPR. AUC = 6/9 (Mann–Whitney by hand).
        RocCurve roc = RocCurve.of(new double[] {0.1, 0.3, 0.85, 0.2, 0.8, 0.9}, fake(0, 0, 0, 1, 1, 1));
        assertEquals(7, roc.droppingIntermediate().fpr().length);
        assertEquals(1.0 / 3, roc.eerNearestPoint(), 1e-12);
        assertEquals(1.0 / 3, roc.eerInterpolated(), 1e-12);
        assertEquals(6.0 / 9, roc.auc(), 1e-12);
        // A curve where the two definitions differ (M6): y = [1,0,0,1], p = [0.9, 0.8, 0.7, 0.1]. Points (0,0)
        // (0,1/2) (1/2,1/2) (1,1/2) (1,1); scikit-learn drops the collinear (1/2,1/2), so DeepfakeBench's nearest
        // point is the first of the gaps 1, 1/2, 1/2, 1: (0,1/2), EER 0; the ROC crossing of 1 − x = 1/2 is 1/2.
        RocCurve differ = RocCurve.of(new double[] {0.9, 0.8, 0.7, 0.1}, fake(1, 0, 0, 1));
        assertArrayEquals(new double[] {0, 0, 0.5, 1, 1}, differ.fpr(), 0);
        assertArrayEquals(new double[] {0, 0, 1, 1}, differ.droppingIntermediate().fpr(), 0);
        assertEquals(0.0, differ.eerNearestPoint(), 0);
        assertEquals(0.5, differ.eerInterpolated(), 1e-12);
        assertEquals(differ.auc(), differ.droppingIntermediate().auc(), 1e-15, "dropping never changes the AUC");
    }

    @Test
    void averagePrecisionWorkedExample() {
        // Ranking fake, real, fake, real: precision at the recalls 1/2 and 1 are 1 and 2/3.
        RocCurve roc = RocCurve.of(new double[] {0.9, 0.7, 0.5, 0.1}, fake(1, 0, 1, 0));
        assertEquals(0.5 * 1 + 0.5 * 2.0 / 3, roc.averagePrecision(), 1e-12);
    }

    @Test
    void labelBinarisationAccuracyAndVideoKeying() {
        DetectionScores s = new DetectionScores();
        // Label 2 and 3 count as fake (M3); 0.5 exactly is real (M7).
        s.add(0.9, 2, "ff/a");
        s.add(0.7, 3, "ff/a");
        s.add(0.5, 1, "cdf/a");
        s.add(0.2, 0, "ff/b");
        s.add(0.4, 0, "cdf/b");
        assertEquals(4.0 / 5, s.accuracyAtHalf(Aggregation.FRAME), 1e-12);
        assertTrue(s.hasBothClasses());
        // Videos 'ff/a' and 'cdf/a' share a folder name but stay apart (M4): 4 videos.
        assertEquals(5, s.videoRoc().fpr().length, "4 videos with distinct scores give 5 ROC points");
        assertEquals(1.0, s.videoRoc().auc(), 0);
        assertEquals(1.0, DetectionStatistic.AUC.of(s, Aggregation.VIDEO), 0);
    }

    @Test
    void singleClassGivesNoAucInsteadOfThrowing() {
        DetectionScores s = new DetectionScores();
        s.add(0.3, 1, "v");
        s.add(0.6, 1, "v");
        assertTrue(Double.isNaN(DetectionStatistic.AUC.of(s, Aggregation.FRAME)));
        assertTrue(Double.isNaN(DetectionStatistic.EER_NEAREST_POINT.of(s, Aggregation.FRAME)));
        assertThrows(IllegalArgumentException.class, s::frameRoc);
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DetectionMetricConfig("clip", 1, "video_id"));
        assertTrue(e.getMessage().contains("aggregation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DetectionMetricConfig("frame", -1, "v"));
        assertTrue(e.getMessage().contains("scoreColumn"), e.getMessage());
    }
}
