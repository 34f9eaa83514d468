package dev.perennial.samples.sweep.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The intervals and paired tests against values computed by hand from their formulas. */
class PairedTestTest {
    /** t(0.975, 2) in closed form: for 2 degrees of freedom F(t) = 1/2 + t / (2 √(2 + t²)). */
    private static final double T_975_DF2 = 0.95 * Math.sqrt(2 / (1 - 0.95 * 0.95));

    @Test
    void theIntervalIsMeanPlusMinusStudentsTTimesTheStandardError() {
        MeanInterval v = MeanInterval.of(new double[] {0.5, 0.6, 0.7, Double.NaN});
        assertEquals(3, v.n(), "NaN (not measured) is left out");
        assertEquals(0.6, v.mean(), 1e-12);
        assertEquals(0.1, v.std(), 1e-12);
        double half = T_975_DF2 * 0.1 / Math.sqrt(3);
        assertEquals(0.6 - half, v.low(), 1e-9);
        assertEquals(0.6 + half, v.high(), 1e-9);
        assertEquals(4.302652729911275, T_975_DF2, 1e-9, "the closed form is the tabulated t(0.975, 2)");
    }

    @Test
    void oneValueHasNoSpreadAndNoInterval() {
        MeanInterval v = MeanInterval.of(new double[] {0.4});
        assertEquals(0.4, v.mean());
        assertTrue(Double.isNaN(v.std()) && Double.isNaN(v.low()) && Double.isNaN(v.high()));
        assertEquals(0, MeanInterval.of(new double[0]).n());
    }

    @Test
    void thePairedTTestsPMatchesTheClosedFormForTwoDegreesOfFreedom() {
        // d = (0.1, 0.2, 0.3): mean 0.2, s = 0.1, t = 0.2 / (0.1 / √3) = √12; for 2 df the two-sided p is
        // 1 − |t| / √(2 + t²) = 1 − √(12/14).
        PairedTest p = PairedTest.of(new double[] {0.6, 0.7, 0.9}, new double[] {0.5, 0.5, 0.6});
        assertEquals(3, p.n());
        assertEquals(0.2, p.difference().mean(), 1e-12);
        assertEquals(1 - Math.sqrt(12.0 / 14.0), p.tP(), 1e-9);
        assertEquals(0.2 - T_975_DF2 * 0.1 / Math.sqrt(3), p.difference().low(), 1e-9);
    }

    @Test
    void withFivePairsWilcoxonCannotReachFivePercentWithSixItCan() {
        double[] base = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
        double[] up = {0.15, 0.27, 0.39, 0.51, 0.63, 0.75};
        PairedTest five = PairedTest.of(java.util.Arrays.copyOf(up, 5), java.util.Arrays.copyOf(base, 5));
        assertEquals(2.0 / 32, five.wilcoxonP(), 1e-12, "all five differences positive: the smallest p, 2/2^5");
        assertFalse(five.wilcoxonCanReach05());
        assertTrue(five.tP() < 0.05, "the paired t-test can reach 5 % with five pairs: " + five.tP());
        PairedTest six = PairedTest.of(up, base);
        assertEquals(2.0 / 64, six.wilcoxonP(), 1e-12);
        assertTrue(six.wilcoxonCanReach05());
        assertEquals(0.0625, PairedTest.smallestWilcoxonP(5), 1e-12);
    }

    @Test
    void zeroDifferencesAreDroppedBeforeTheSignedRankTest() {
        // Three ties and six positive differences: Wilcoxon's rule tests the six (p = 2/2^6); ranking the zeros as
        // negative, as Commons Math alone would, gives 2 · 14 / 2^9 = 0.0547.
        double[] base = {0.5, 0.5, 0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
        double[] method = {0.5, 0.5, 0.5, 0.11, 0.22, 0.33, 0.44, 0.55, 0.66};
        PairedTest p = PairedTest.of(method, base);
        assertEquals(9, p.n());
        assertEquals(6, p.nonZero());
        assertEquals(2.0 / 64, p.wilcoxonP(), 1e-12);
    }

    @Test
    void equalDifferencesHaveNoTTestAndIdenticalRunsHavePOne() {
        PairedTest shifted = PairedTest.of(new double[] {0.75, 1.0, 1.25}, new double[] {0.5, 0.75, 1.0});
        assertTrue(Double.isNaN(shifted.tP()), "no spread: t is undefined, not p = 0");
        PairedTest same = PairedTest.of(new double[] {0.2, 0.3}, new double[] {0.2, 0.3});
        assertEquals(1.0, same.wilcoxonP());
        assertEquals(0, same.nonZero());
    }

    @Test
    void holmAdjustsStepDownAndKeepsTheOrder() {
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, Double.NaN},
                PairedTest.holm(new double[] {0.01, 0.04, 0.03, Double.NaN}), 1e-12);
        assertArrayEquals(new double[] {1.0, 1.0}, PairedTest.holm(new double[] {0.7, 0.9}), 1e-12);
    }
}
