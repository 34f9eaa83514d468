package dev.perennial.continual.mcit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.continual.vqa.ContinualVqaSummary;
import org.junit.jupiter.api.Test;

/** MCITlib's metrics on hand-made accuracy matrices (spec mcit.md §7 M10, M12). */
class McitMetricsTest {
    private static final double[][] M10 = {{80}, {70, 90}, {60, 85, 95}};

    @Test
    void theSpecsGoldenMatrix() {
        McitMetrics m = McitMetrics.of(M10);
        assertEquals(265.0 / 3, m.mft(), 1e-12);
        assertEquals(80.0, m.mfn(), 1e-12);
        assertEquals(80.0, m.maa(), 1e-12);
        assertEquals(-12.5, m.bwt(), 1e-12);
        assertEquals(3.0 / 2 * (m.mfn() - m.mft()), m.bwt(), 1e-12, "BWT = T/(T-1) (MFN - MFT)");
    }

    @Test
    void agreesWithCoinsNumbersOfTheSameMatrix() {
        double[][] a = {{50, 99}, {40, 60, 99}, {30, 45, 70}};
        McitMetrics m = McitMetrics.of(a);
        ContinualVqaSummary coin = ContinualVqaSummary.of(a, ContinualVqaSummary.ForgettingVariant.DIAGONAL);
        assertEquals(coin.newAccuracy(), m.mft(), 1e-12);
        assertEquals(coin.averageAccuracy(), m.mfn(), 1e-12);
        assertEquals(-coin.forgetting(), m.bwt(), 1e-12);
        assertEquals((50 + 50 + 145.0 / 3) / 3, m.maa(), 1e-12, "entries above the diagonal are not read");
        assertTrue(Double.isNaN(McitMetrics.of(new double[][] {{70}}).bwt()), "one task has no BWT");
    }

    @Test
    void aMissingEvaluationIsAnErrorNotZero() {
        IllegalArgumentException shortRow = assertThrows(IllegalArgumentException.class,
                () -> McitMetrics.of(new double[][] {{80}, {70}}));
        assertTrue(shortRow.getMessage().contains("row 1"), shortRow.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> McitMetrics.of(new double[][] {{80}, {Double.NaN, 90}}));
        assertTrue(nan.getMessage().contains("[1][0]"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> McitMetrics.of(new double[0][]));
    }
}
