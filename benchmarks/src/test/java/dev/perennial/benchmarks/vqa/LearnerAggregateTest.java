package dev.perennial.benchmarks.vqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearnerAggregateTest {
    private static final double N = Double.NaN;

    private static VqaRunResult run(String learner, long seed, List<String> tasks, double[][] matrix, double avg,
                                    double forgetting, long adaptive, long fallback) {
        return new VqaRunResult(learner, seed, tasks, matrix, avg, forgetting, forgetting, 0.5, 0.9, N, adaptive,
                fallback, 0.4, 0.3, 0.2, 0, 10);
    }

    @Test
    void aggregatesNumbersAndMatricesOverSeeds() {
        List<String> tasks = List.of("x", "y");
        LearnerAggregate a = LearnerAggregate.of(List.of(
                run("llaca", 1, tasks, new double[][] {{0.6}, {0.4, 0.8}}, 0.6, 0.2, 10, 30),
                run("llaca", 2, tasks, new double[][] {{0.8}, {0.6, 0.6}}, 0.6, 0.2, 30, 10)));
        assertEquals(List.of(1L, 2L), a.seeds());
        assertEquals(0.6, a.averageAccuracy().mean(), 1e-12);
        assertEquals(0.0, a.averageAccuracy().std(), 1e-12);
        assertEquals(0.5, a.matrix()[1][0].mean(), 1e-12);
        assertEquals(Math.sqrt(0.02), a.matrix()[1][0].std(), 1e-12);
        assertEquals(0.5, a.emaAdaptiveFraction().mean(), 1e-12, "0.25 and 0.75");
        assertEquals(20, a.emaAdaptive().mean(), 1e-12);
        assertTrue(Double.isNaN(a.jointAccuracy().mean()));
    }

    @Test
    void mcitlibsMetricsAreAggregatedAndTabledForSequentialLearnersOnly() {
        List<String> tasks = List.of("x", "y");
        // seed 1: MFT 0.7, MFN 0.6, MAA (0.6 + 0.6) / 2 = 0.6, BWT 0.4 - 0.6; seed 2: 0.7, 0.6, (0.8 + 0.6) / 2, 0.6 - 0.8
        LearnerAggregate a = LearnerAggregate.of(List.of(
                run("o-lora", 1, tasks, new double[][] {{0.6}, {0.4, 0.8}}, 0.6, 0.2, -1, -1),
                run("o-lora", 2, tasks, new double[][] {{0.8}, {0.6, 0.6}}, 0.6, 0.2, -1, -1)));
        assertEquals(0.7, a.mft().mean(), 1e-12);
        assertEquals(0.6, a.mfn().mean(), 1e-12);
        assertEquals((0.6 + 0.7) / 2, a.maa().mean(), 1e-12);
        assertEquals(-0.2, a.bwt().mean(), 1e-12);
        VqaRunResult joint = new VqaRunResult("multitask", 1, tasks, new double[][] {{0.7, 0.9}}, 0.8, N, N, N, 0.9,
                0.8, -1, -1, 0.4, 0.3, 0.2, 0, 10);
        assertTrue(Double.isNaN(joint.mcit().mfn()), "a joint run has no sequence");
        String table = ContinualVqaBenchmark.mcitTable(List.of(a, LearnerAggregate.of(List.of(joint))));
        assertTrue(table.contains("| o-lora | 0.7000 ± 0.0000 | 0.6000 ± 0.0000 | 0.6500 ± 0.0707 | -0.2000 ± 0.0000 |"), table);
        assertFalse(table.contains("multitask"), table);
    }

    @Test
    void aLearnerWithoutEmaAggregatesToNoCounts() {
        LearnerAggregate a = LearnerAggregate.of(List.of(
                run("lora-seq", 1, List.of("x"), new double[][] {{0.5}}, 0.5, N, -1, -1)));
        assertTrue(Double.isNaN(a.emaAdaptive().mean()));
        assertTrue(Double.isNaN(a.emaAdaptiveFraction().mean()));
    }

    @Test
    void refusesRunsOfDifferentLearnersOrTasks() {
        double[][] m = {{0.5}};
        assertThrows(IllegalArgumentException.class, () -> LearnerAggregate.of(List.of(
                run("llaca", 1, List.of("x"), m, 0.5, N, 1, 1), run("lora-seq", 2, List.of("x"), m, 0.5, N, -1, -1))));
        assertThrows(IllegalArgumentException.class, () -> LearnerAggregate.of(List.of(
                run("llaca", 1, List.of("x"), m, 0.5, N, 1, 1), run("llaca", 2, List.of("y"), m, 0.5, N, 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> LearnerAggregate.of(List.of()));
    }

    @Test
    void theTablesPutLearnersSideBySide() {
        LearnerAggregate seq = LearnerAggregate.of(List.of(
                run("lora-seq", 1, List.of("x", "y"), new double[][] {{0.6}, {0.4, 0.8}}, 0.6, 0.2, -1, -1)));
        LearnerAggregate llaca = LearnerAggregate.of(List.of(
                run("llaca", 1, List.of("x", "y"), new double[][] {{0.6}, {0.5, 0.7}}, 0.6, 0.1, 10, 30)));
        String table = ContinualVqaBenchmark.summaryTable(List.of(seq, llaca));
        assertTrue(table.contains("| lora-seq | 1 | 0.6000 | 0.2000 |"), table);
        assertTrue(table.contains("10 / 30 (0.2500)"), table);
        String matrix = ContinualVqaBenchmark.matrixTable(llaca);
        assertTrue(matrix.contains("| after \\ on | x | y |"), matrix);
        assertTrue(matrix.contains("| y | 0.5000 | 0.7000 |"), matrix);
    }
}
