package dev.perennial.api.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccuracyMatrixTest {
    private static final double EPS = 1e-12;

    /**
     * The worked example (T = 3), with two upper-diagonal entries and the before-training row:
     * <pre>
     *          task0  task1  task2
     * before    0.10   0.10   0.10
     * after 0   0.90   0.20    -
     * after 1   0.60   0.80   0.15
     * after 2   0.50   0.70   0.85
     * </pre>
     */
    private static AccuracyMatrix workedExample() {
        AccuracyMatrix m = new AccuracyMatrix(3);
        m.set(0, 0, 0.9);
        m.set(0, 1, 0.2);
        m.set(1, 0, 0.6);
        m.set(1, 1, 0.8);
        m.set(1, 2, 0.15);
        m.set(2, 0, 0.5);
        m.set(2, 1, 0.7);
        m.set(2, 2, 0.85);
        for (int j = 0; j < 3; j++) {
            m.setBeforeTraining(j, 0.1);
        }
        return m;
    }

    @Test
    void workedExampleByHand() {
        ContinualSummary s = workedExample().summary();
        assertEquals(3, s.tasks());
        // A_0 = 0.9, A_1 = (0.6 + 0.8) / 2 = 0.7, A_2 = (0.5 + 0.7 + 0.85) / 3 = 0.68333...
        assertEquals(0.9, s.incrementalAccuracies().get(0), EPS);
        assertEquals(0.7, s.incrementalAccuracies().get(1), EPS);
        assertEquals(2.05 / 3, s.incrementalAccuracies().get(2), EPS);
        // Average incremental accuracy = (0.9 + 0.7 + 0.68333) / 3 = 0.76111...
        assertEquals((0.9 + 0.7 + 2.05 / 3) / 3, s.averageIncrementalAccuracy(), EPS);
        assertEquals(2.05 / 3, s.lastAccuracy(), EPS);
        // f_0 = max(0.9, 0.6) - 0.5 = 0.4; f_1 = max(0.2, 0.8) - 0.7 = 0.1; F = 0.25
        assertEquals(0.25, s.forgetting(), EPS);
        // BWT = ((0.5 - 0.9) + (0.7 - 0.8)) / 2 = -0.25
        assertEquals(-0.25, s.backwardTransfer(), EPS);
        // FWT = ((0.2 - 0.1) + (0.15 - 0.1)) / 2 = 0.075
        assertEquals(0.075, s.forwardTransfer(), EPS);
    }

    /** Forgetting takes the best earlier score, BWT the score right after training: they differ here. */
    @Test
    void forgettingUsesTheBestEarlierScoreWhereBwtUsesTheDiagonal() {
        AccuracyMatrix m = new AccuracyMatrix(3);
        m.set(0, 0, 0.9);
        m.set(1, 0, 0.95);
        m.set(1, 1, 0.8);
        m.set(2, 0, 0.5);
        m.set(2, 1, 0.7);
        m.set(2, 2, 0.85);
        ContinualSummary s = m.summary();
        // f_0 = 0.95 - 0.5 = 0.45, f_1 = 0.8 - 0.7 = 0.1, F = 0.275
        assertEquals(0.275, s.forgetting(), EPS);
        assertEquals(-0.25, s.backwardTransfer(), EPS);
        assertTrue(Double.isNaN(s.forwardTransfer()), "no before-training row, no upper diagonal");
    }

    @Test
    void oneTaskHasNoForgettingOrTransfer() {
        AccuracyMatrix m = new AccuracyMatrix(1);
        m.set(0, 0, 0.42);
        ContinualSummary s = m.summary();
        assertEquals(0.42, s.averageIncrementalAccuracy(), EPS);
        assertEquals(0.42, s.lastAccuracy(), EPS);
        assertTrue(Double.isNaN(s.forgetting()));
        assertTrue(Double.isNaN(s.backwardTransfer()));
        assertTrue(Double.isNaN(s.forwardTransfer()));
    }

    @Test
    void summaryCoversTheTasksTrainedSoFar() {
        AccuracyMatrix m = new AccuracyMatrix(4);
        assertEquals(0, m.trainedTasks());
        assertThrows(IllegalStateException.class, m::summary);
        m.set(0, 0, 1.0);
        m.set(1, 0, 0.5);
        m.set(1, 1, 0.9);
        m.set(2, 2, 0.9); // row 2 incomplete: a[2][0] and a[2][1] missing
        assertEquals(2, m.trainedTasks());
        ContinualSummary s = m.summary();
        assertEquals(2, s.tasks());
        assertEquals(0.7, s.lastAccuracy(), EPS);
        assertEquals(0.5, s.forgetting(), EPS);
        assertEquals(-0.5, s.backwardTransfer(), EPS);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.summary(3));
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
    }

    @Test
    void rowsAndEntriesNotEvaluatedAreNaN() {
        AccuracyMatrix m = workedExample();
        assertArrayEquals(new double[] {0.6, 0.8, 0.15}, m.row(1), EPS);
        assertTrue(Double.isNaN(m.get(0, 2)));
        assertTrue(!m.has(0, 2) && m.has(0, 1));
        double[] row = m.row(0);
        row[0] = 0;
        assertEquals(0.9, m.get(0, 0), EPS, "row() returns a copy");
    }

    @Test
    void badIndicesAndValuesAreErrors() {
        AccuracyMatrix m = new AccuracyMatrix(2);
        assertThrows(IndexOutOfBoundsException.class, () -> m.set(2, 0, 0.5));
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(0, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.set(0, 0, Double.NaN));
        assertTrue(e.getMessage().contains("a[0][0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AccuracyMatrix(0));
    }

    @Test
    void fromRowsMatchesSettingEachEntry() {
        AccuracyMatrix m = AccuracyMatrix.fromRows(3,
                new double[][] {{0.9, 0.2, Double.NaN}, {0.6, 0.8, 0.15}, {0.5, 0.7, 0.85}},
                new double[] {0.1, 0.1, 0.1});
        assertEquals(workedExample(), m);
        assertEquals(1, AccuracyMatrix.fromRows(3, new double[][] {{0.5}}, new double[0]).trainedTasks());
    }

    @Test
    void jsonRoundTripKeepsMissingEntriesAsNull() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        AccuracyMatrix m = workedExample();
        String json = mapper.writeValueAsString(m);
        assertTrue(json.contains("\"scores\":[[0.9,0.2,null],[0.6,0.8,0.15],[0.5,0.7,0.85]]"), json);
        assertTrue(json.startsWith("{\"tasks\":3,"), json);
        assertEquals(m, mapper.readValue(json, AccuracyMatrix.class));
        AccuracyMatrix partial = new AccuracyMatrix(2);
        partial.set(0, 0, 0.5);
        assertEquals(partial, mapper.readValue(mapper.writeValueAsString(partial), AccuracyMatrix.class));
    }

    @Test
    void summaryJsonRoundTripKeepsNaN() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        AccuracyMatrix m = new AccuracyMatrix(1);
        m.set(0, 0, 0.25);
        ContinualSummary s = m.summary();
        ContinualSummary back = mapper.readValue(mapper.writeValueAsString(s), ContinualSummary.class);
        assertEquals(List.of(0.25), back.incrementalAccuracies());
        assertTrue(Double.isNaN(back.forgetting()));
        assertEquals(s, back);
    }

    @Test
    void tableShowsPercentages() {
        String table = workedExample().toTable();
        assertTrue(table.contains("  90.00") && table.contains("  85.00"), table);
        assertTrue(table.lines().count() == 4, table);
    }
}
