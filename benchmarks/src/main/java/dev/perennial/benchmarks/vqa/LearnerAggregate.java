package dev.perennial.benchmarks.vqa;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One learner's results over seeds: every number and every matrix cell as mean ± sample standard deviation.
 *
 * @param learner the learner's name
 * @param seeds the seeds, in run order
 * @param tasks the continual tasks (the matrices' columns)
 * @param averageAccuracy Avg.ACC
 * @param forgetting Forgetting (max over earlier checkpoints)
 * @param forgettingDiagonal Forgetting with a[i][i] as the reference
 * @param newAccuracy New.ACC
 * @param baseAfterLast the base task's score after the last task
 * @param jointAccuracy the joint test score (multitask only)
 * @param emaAdaptiveFraction the fraction of EMA updates on the adaptive branch (NaN without an EMA)
 * @param emaAdaptive adaptive EMA updates per run
 * @param emaFallback fallback EMA updates per run
 * @param matrix the per-task matrix, cell by cell
 * @param seconds seconds per run
 * @param mft MCITlib's mean fine-tune accuracy
 * @param mfn MCITlib's mean final accuracy
 * @param maa MCITlib's mean average accuracy
 * @param bwt MCITlib's backward transfer
 */
public record LearnerAggregate(String learner, List<Long> seeds, List<String> tasks, MeanStd averageAccuracy,
                               MeanStd forgetting, MeanStd forgettingDiagonal, MeanStd newAccuracy,
                               MeanStd baseAfterLast, MeanStd jointAccuracy, MeanStd emaAdaptiveFraction,
                               MeanStd emaAdaptive, MeanStd emaFallback, MeanStd[][] matrix, MeanStd seconds,
                               MeanStd mft, MeanStd mfn, MeanStd maa, MeanStd bwt) {

    /** Copies the lists. */
    public LearnerAggregate {
        seeds = List.copyOf(seeds);
        tasks = List.copyOf(tasks);
    }

    /**
     * Aggregates the runs of one learner.
     *
     * @param runs the runs, one per seed
     * @return the aggregate
     * @throws IllegalArgumentException when there is no run, or the runs differ in learner or tasks
     */
    public static LearnerAggregate of(List<VqaRunResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to aggregate");
        }
        VqaRunResult first = runs.get(0);
        for (VqaRunResult r : runs) {
            if (!r.learner().equals(first.learner()) || !r.tasks().equals(first.tasks())) {
                throw new IllegalArgumentException("runs of learner '" + r.learner() + "' on tasks " + r.tasks()
                        + " cannot be aggregated with runs of '" + first.learner() + "' on " + first.tasks());
            }
        }
        return new LearnerAggregate(first.learner(), runs.stream().map(VqaRunResult::seed).toList(), first.tasks(),
                over(runs, VqaRunResult::averageAccuracy), over(runs, VqaRunResult::forgetting),
                over(runs, VqaRunResult::forgettingDiagonal), over(runs, VqaRunResult::newAccuracy),
                over(runs, VqaRunResult::baseAfterLast), over(runs, VqaRunResult::jointAccuracy),
                over(runs, VqaRunResult::emaAdaptiveFraction),
                over(runs, r -> r.emaAdaptive() < 0 ? Double.NaN : r.emaAdaptive()),
                over(runs, r -> r.emaFallback() < 0 ? Double.NaN : r.emaFallback()),
                MeanStd.ofMatrices(runs.stream().map(VqaRunResult::matrix).toList()),
                over(runs, VqaRunResult::seconds), over(runs, r -> r.mcit().mft()), over(runs, r -> r.mcit().mfn()),
                over(runs, r -> r.mcit().maa()), over(runs, r -> r.mcit().bwt()));
    }

    private static MeanStd over(List<VqaRunResult> runs, ToDoubleFunction<VqaRunResult> value) {
        return MeanStd.of(runs.stream().mapToDouble(value).toArray());
    }
}
