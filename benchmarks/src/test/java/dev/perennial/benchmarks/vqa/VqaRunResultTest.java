package dev.perennial.benchmarks.vqa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.RunReport;
import dev.perennial.api.metrics.ContinualSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VqaRunResultTest {
    private static final double N = Double.NaN;

    private static RunReport report(List<String> tasks, double[][] matrix, Map<String, double[][]> others,
                                    Map<String, Object> learnerValues) {
        ContinualSummary summary = new ContinualSummary(tasks.size(), List.of(0.1), 0.1, 0.2, 0.3, N, N);
        return new RunReport("test", "runs/test", "cpu()", List.of(), tasks, "coin-accuracy", matrix, new double[0],
                summary, others, List.of(), 3, Map.of("total", 12.0), Map.of("learner", learnerValues), Map.of());
    }

    @Test
    void cutsTheBaseTaskOffAndAppliesCoinDefinitions() {
        // base + three tasks; the base column is kept apart, the 3x3 continual block feeds the CoIN numbers
        double[][] a = {
            {0.9, N, N, N},
            {0.8, 0.6, N, N},
            {0.7, 0.8, 0.5, N},
            {0.6, 0.4, 0.3, 0.9}};
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("emaAdaptiveUpdates", 30L);
        values.put("emaFallbackUpdates", 90);
        VqaRunResult r = VqaRunResult.of("llaca", 3, report(List.of("base", "x", "y", "z"), a, Map.of(), values));
        assertEquals(List.of("x", "y", "z"), r.tasks());
        assertArrayEquals(new double[] {0.6}, r.matrix()[0]);
        assertArrayEquals(new double[] {0.8, 0.5}, r.matrix()[1]);
        assertArrayEquals(new double[] {0.4, 0.3, 0.9}, r.matrix()[2]);
        assertEquals((0.4 + 0.3 + 0.9) / 3, r.averageAccuracy(), 1e-12);
        // x: max(0.6, 0.8) - 0.4 = 0.4; y: 0.5 - 0.3 = 0.2
        assertEquals((0.4 + 0.2) / 2, r.forgetting(), 1e-12);
        // x: 0.6 - 0.4 = 0.2; y: 0.2
        assertEquals(0.2, r.forgettingDiagonal(), 1e-12);
        assertEquals((0.6 + 0.5 + 0.9) / 3, r.newAccuracy(), 1e-12);
        assertEquals(0.6, r.baseAfterLast(), 1e-12);
        assertTrue(Double.isNaN(r.jointAccuracy()));
        assertEquals(30, r.emaAdaptive());
        assertEquals(90, r.emaFallback());
        assertEquals(0.25, r.emaAdaptiveFraction(), 1e-12);
        assertEquals(12.0, r.seconds());
        assertEquals(3, r.nanSkips());
        assertEquals(0.3, r.reportForgetting());
    }

    @Test
    void aLearnerWithoutEmaHasNoCounts() {
        double[][] a = {{0.5}, {0.4, 0.6}};
        VqaRunResult r = VqaRunResult.of("lora-seq", 1, report(List.of("x", "y"), a, Map.of(), Map.of("tasksSeen", 2)));
        assertEquals(-1, r.emaAdaptive());
        assertTrue(Double.isNaN(r.emaAdaptiveFraction()));
        assertTrue(Double.isNaN(r.baseAfterLast()), "no base task");
        assertEquals(0.1, r.forgetting(), 1e-12);
    }

    @Test
    void aJointRunIsScoredTaskByTaskFromThePerTaskMetrics() {
        double[][] a = {{0.9, N}, {0.8, 0.55}};
        Map<String, double[][]> others = new LinkedHashMap<>();
        others.put(TaskAccuracyProvider.PREFIX + "x", new double[][] {{N, N}, {N, 0.4}});
        others.put(TaskAccuracyProvider.PREFIX + "y", new double[][] {{N, N}, {N, 0.7}});
        VqaRunResult r = VqaRunResult.of("multitask", 2, report(List.of("base", "joint"), a, others, Map.of()));
        assertEquals(List.of("x", "y"), r.tasks());
        assertEquals(1, r.matrix().length);
        assertArrayEquals(new double[] {0.4, 0.7}, r.matrix()[0]);
        assertEquals(0.55, r.averageAccuracy(), 1e-12);
        assertEquals(0.55, r.jointAccuracy(), 1e-12);
        assertEquals(0.8, r.baseAfterLast(), 1e-12);
        assertTrue(Double.isNaN(r.forgetting()));
        assertTrue(Double.isNaN(r.newAccuracy()));
    }

    @Test
    void aJointRunWithoutPerTaskMetricsIsAnError() {
        double[][] a = {{0.9, N}, {0.8, 0.55}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VqaRunResult.of("multitask", 2, report(List.of("base", "joint"), a, Map.of(), Map.of())));
        assertTrue(e.getMessage().contains(TaskAccuracyProvider.PREFIX), e.getMessage());
    }
}
