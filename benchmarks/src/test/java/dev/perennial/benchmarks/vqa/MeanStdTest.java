package dev.perennial.benchmarks.vqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeanStdTest {

    @Test
    void isTheMeanAndTheSampleStandardDeviation() {
        MeanStd s = MeanStd.of(1, 2, 3, 4);
        assertEquals(2.5, s.mean(), 1e-12);
        // Σ(x − 2.5)² = 5, divided by n − 1 = 3 (not by n = 4, which would give sqrt(1.25))
        assertEquals(Math.sqrt(5.0 / 3.0), s.std(), 1e-12);
        assertEquals(4, s.n());
    }

    @Test
    void oneSeedHasNoSpreadAndNaNMarksANotEvaluatedCell() {
        MeanStd one = MeanStd.of(0.25);
        assertEquals(0.25, one.mean());
        assertTrue(Double.isNaN(one.std()));
        assertEquals("0.2500", one.format());
        MeanStd missing = MeanStd.of(0.5, Double.NaN, 0.7);
        assertTrue(Double.isNaN(missing.mean()));
        assertEquals("–", missing.format());
        assertEquals("0.5000 ± 0.1414", MeanStd.of(0.4, 0.6).format());
    }

    @Test
    void aggregatesLowerTriangularMatricesCellByCell() {
        double[][] a = {{0.8}, {0.6, 0.7}};
        double[][] b = {{0.6}, {0.2, 0.9}};
        MeanStd[][] m = MeanStd.ofMatrices(List.of(a, b));
        assertEquals(2, m.length);
        assertEquals(1, m[0].length);
        assertEquals(2, m[1].length);
        assertEquals(0.7, m[0][0].mean(), 1e-12);
        assertEquals(0.4, m[1][0].mean(), 1e-12);
        assertEquals(Math.sqrt(0.08), m[1][0].std(), 1e-12);
        assertEquals(0.8, m[1][1].mean(), 1e-12);
    }

    @Test
    void refusesMatricesOfDifferentShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeanStd.ofMatrices(List.of(new double[][] {{1}, {1, 1}}, new double[][] {{1}})));
        assertTrue(e.getMessage().contains("matrix 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MeanStd.ofMatrices(List.of()));
    }
}
