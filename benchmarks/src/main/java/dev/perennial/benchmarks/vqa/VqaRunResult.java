package dev.perennial.benchmarks.vqa;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.api.RunReport;
import dev.perennial.continual.mcit.McitMetrics;
import dev.perennial.continual.vqa.ContinualVqaSummary;
import dev.perennial.continual.vqa.ContinualVqaSummary.ForgettingVariant;
import dev.perennial.continual.vqa.MiniCoin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the benchmark, reduced to the continual (Mini-CoIN) tasks: the leading base task(s), which train the
 * tiny model from scratch, are cut off the matrix, so that the CoIN numbers (spec llaca.md §2.7, computed by
 * {@link ContinualVqaSummary}) cover the continual sequence only; the base task's final score is kept apart.
 *
 * @param learner the learner's name
 * @param seed the run seed
 * @param tasks the continual tasks, in training order
 * @param matrix sequential learners: row k = the score on tasks 0..k after training task k (lower triangle);
 *               multitask: one row, the score on every task after the joint training
 * @param averageAccuracy Avg.ACC: the mean of the last row
 * @param forgetting Forgetting, max over earlier checkpoints (CoIN / spec §2.7); NaN for multitask
 * @param forgettingDiagonal Forgetting with a[i][i] as the reference (spec §7.7); NaN for multitask
 * @param newAccuracy New.ACC: the mean of the diagonal; NaN for multitask
 * @param baseAfterLast the score on the base task after the last task (NaN without a base task)
 * @param jointAccuracy multitask: the score over the joint test set; NaN otherwise
 * @param emaAdaptive per-tensor EMA updates that took the adaptive branch (-1: the learner has no EMA)
 * @param emaFallback per-tensor EMA updates that fell back to the fixed weight (-1: the learner has no EMA)
 * @param reportAverageIncremental the run report's average incremental accuracy over ALL tasks (base included)
 * @param reportLast the run report's last accuracy over all tasks
 * @param reportForgetting the run report's forgetting (Chaudhry et al.) over all tasks
 * @param nanSkips optimizer steps the loop's NaN guard dropped (their EMA updates do not happen either)
 * @param seconds the run's total seconds
 */
public record VqaRunResult(String learner, long seed, List<String> tasks, double[][] matrix, double averageAccuracy,
                           double forgetting, double forgettingDiagonal, double newAccuracy, double baseAfterLast,
                           double jointAccuracy, long emaAdaptive, long emaFallback, double reportAverageIncremental,
                           double reportLast, double reportForgetting, long nanSkips, double seconds) {

    /** The name of the multitask scenario's joint task. */
    static final String JOINT_TASK = "joint";

    /** Copies the list. */
    public VqaRunResult {
        tasks = List.copyOf(tasks);
    }

    /**
     * MCITlib's MFT, MFN, MAA and BWT of the continual matrix ({@link McitMetrics}, the one place they are defined).
     *
     * @return the metrics; all NaN for multitask, which has no sequence
     */
    @JsonProperty("mcit")
    public McitMetrics mcit() {
        return Double.isNaN(jointAccuracy) ? McitMetrics.of(matrix)
                : new McitMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * The fraction of EMA updates that took the adaptive branch.
     *
     * @return adaptive / (adaptive + fallback), NaN without an EMA or without updates
     */
    public double emaAdaptiveFraction() {
        long total = emaAdaptive + emaFallback;
        return emaAdaptive < 0 || total == 0 ? Double.NaN : (double) emaAdaptive / total;
    }

    /**
     * Reduces a run report.
     *
     * @param learner the learner's name
     * @param seed the run seed
     * @param report the run's report (metric {@code coin-accuracy} first; for the joint scenario also one
     *               {@link TaskAccuracyProvider} metric per task)
     * @return the result
     * @throws IllegalArgumentException when a joint run lacks a per-task metric, naming it
     */
    public static VqaRunResult of(String learner, long seed, RunReport report) {
        List<String> all = report.tasks();
        double[][] a = report.accuracyMatrix();
        int base = 0;
        while (base < all.size() && all.get(base).equals(MiniCoin.BASE_TASK)) {
            base++;
        }
        int last = a.length - 1;
        double baseAfterLast = base > 0 ? a[last][base - 1] : Double.NaN;
        long[] ema = emaCounts(report);
        double secs = report.timings() == null ? Double.NaN : report.timings().getOrDefault("total", Double.NaN);
        var s = report.summary();
        if (all.size() == base + 1 && all.get(base).equals(JOINT_TASK)) {
            List<String> tasks = new ArrayList<>();
            List<Double> row = new ArrayList<>();
            for (Map.Entry<String, double[][]> e : report.otherMetrics().entrySet()) {
                if (e.getKey().startsWith(TaskAccuracyProvider.PREFIX)) {
                    tasks.add(e.getKey().substring(TaskAccuracyProvider.PREFIX.length()));
                    row.add(e.getValue()[last][base]);
                }
            }
            if (tasks.isEmpty()) {
                throw new IllegalArgumentException("run '" + report.experiment() + "' trained one joint task but has"
                        + " no " + TaskAccuracyProvider.PREFIX + "<task> metric to score it task by task");
            }
            double[][] matrix = {row.stream().mapToDouble(Double::doubleValue).toArray()};
            double mean = row.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            return new VqaRunResult(learner, seed, tasks, matrix, mean, Double.NaN, Double.NaN, Double.NaN,
                    baseAfterLast, a[last][base], ema[0], ema[1], s.averageIncrementalAccuracy(), s.lastAccuracy(),
                    s.forgetting(), report.nanSkips(), secs);
        }
        int t = all.size() - base;
        if (t < 1 || a.length != all.size()) {
            throw new IllegalArgumentException("run '" + report.experiment() + "' has " + a.length + " matrix rows for "
                    + all.size() + " tasks (" + base + " base); the benchmark needs every task trained");
        }
        double[][] matrix = new double[t][];
        for (int k = 0; k < t; k++) {
            matrix[k] = new double[k + 1];
            for (int i = 0; i <= k; i++) {
                matrix[k][i] = a[base + k][base + i];
            }
        }
        ContinualVqaSummary max = ContinualVqaSummary.of(matrix, ForgettingVariant.MAX_EARLIER);
        ContinualVqaSummary diagonal = ContinualVqaSummary.of(matrix, ForgettingVariant.DIAGONAL);
        return new VqaRunResult(learner, seed, all.subList(base, all.size()), matrix, max.averageAccuracy(),
                max.forgetting(), diagonal.forgetting(), max.newAccuracy(), baseAfterLast, Double.NaN, ema[0], ema[1],
                s.averageIncrementalAccuracy(), s.lastAccuracy(), s.forgetting(), report.nanSkips(), secs);
    }

    /** The learner's adaptive and fallback counts from its final state values, {-1, -1} when it has none. */
    private static long[] emaCounts(RunReport report) {
        Map<String, Object> values = report.pluginValues() == null ? null : report.pluginValues().get("learner");
        if (values == null || !(values.get("emaAdaptiveUpdates") instanceof Number adaptive)
                || !(values.get("emaFallbackUpdates") instanceof Number fallback)) {
            return new long[] {-1, -1};
        }
        return new long[] {adaptive.longValue(), fallback.longValue()};
    }
}
