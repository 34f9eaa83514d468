package dev.perennial.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.perennial.api.metrics.ContinualSummary;
import dev.perennial.api.metrics.NanAsNull;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, serializable as JSON ({@code report.json} in the run folder). A number that was not
 * measured (a cell not evaluated, a skipped step's loss) is {@code NaN} here and {@code null} in the JSON.
 *
 * @param experiment the experiment's name
 * @param runDirectory the run's folder
 * @param device the device trained on
 * @param plugins each plugin's slot, name and version
 * @param tasks task names in training order
 * @param metric the primary metric, which fills the matrix
 * @param accuracyMatrix row i: the primary metric on every task after training task i (NaN, JSON null: not
 *     evaluated)
 * @param beforeTraining the primary metric on every task before any training (empty unless evaluated)
 * @param summary average incremental accuracy, last accuracy, forgetting, BWT and (when evaluated) FWT
 * @param otherMetrics the other metrics' matrices, by name; also the matrices plugins report: a plugin's
 *     {@code report-matrices.json} ({@code PLUGIN.NAME}, e.g. {@code safe.slow-own}) and the auxiliary models of
 *     training-only plugins scored with the primary metric ({@code PLUGIN.MODEL}, e.g. {@code cakd.assistant};
 *     {@code dev.perennial.spi.AuxiliaryModels})
 * @param lossCurves per task, the total training loss at every optimizer step
 * @param nanSkips steps the NaN guard dropped
 * @param timings seconds spent: {@code total}, {@code train}, {@code evaluate}, {@code checkpoint} (wall clock) and
 *     {@code cpu} (the process's CPU seconds, user + system over all threads, while the loop ran; absent from reports
 *     written before it existed), over every process that ran it (a resumed run adds to the checkpoint's)
 * @param pluginValues the plain state values of each plugin at the end (e.g. counters), by slot
 * @param environment Java, DJL and engine versions, OS and CPU count
 * @param nanSkipsPerTask steps the NaN guard dropped in each task trained (empty when not recorded)
 * @param lossTerms per task with logged steps, each loss term's mean over them and over their first and last tenth
 *     (empty in reports written before it existed)
 */
public record RunReport(@JsonProperty("experiment") String experiment,
                        @JsonProperty("runDirectory") String runDirectory,
                        @JsonProperty("device") String device,
                        @JsonProperty("plugins") List<Map<String, String>> plugins,
                        @JsonProperty("tasks") List<String> tasks,
                        @JsonProperty("metric") String metric,
                        @JsonProperty("accuracyMatrix") @JsonSerialize(using = NanAsNull.Writer.class)
                        @JsonDeserialize(using = NanAsNull.Reader.class) double[][] accuracyMatrix,
                        @JsonProperty("beforeTraining") @JsonSerialize(using = NanAsNull.Writer.class)
                        @JsonDeserialize(using = NanAsNull.Reader.class) double[] beforeTraining,
                        @JsonProperty("summary") ContinualSummary summary,
                        @JsonProperty("otherMetrics") @JsonSerialize(using = NanAsNull.Writer.class)
                        @JsonDeserialize(using = NanAsNull.Reader.class) Map<String, double[][]> otherMetrics,
                        @JsonProperty("lossCurves") @JsonSerialize(using = NanAsNull.Writer.class)
                        @JsonDeserialize(using = NanAsNull.Reader.class) List<List<Double>> lossCurves,
                        @JsonProperty("nanSkips") long nanSkips,
                        @JsonProperty("timings") Map<String, Double> timings,
                        @JsonProperty("pluginValues") Map<String, Map<String, Object>> pluginValues,
                        @JsonProperty("environment") Map<String, String> environment,
                        @JsonProperty("nanSkipsPerTask") List<Long> nanSkipsPerTask,
                        @JsonProperty("lossTerms") List<TaskLossTerms> lossTerms) {

    /** The {@link #timings()} entry of CPU seconds (user + system, all threads of the process) while the loop ran. */
    public static final String CPU_TIMING = "cpu";

    /** An absent per-task count or term summary reads as empty. */
    public RunReport {
        nanSkipsPerTask = nanSkipsPerTask == null ? List.of() : List.copyOf(nanSkipsPerTask);
        lossTerms = lossTerms == null ? List.of() : List.copyOf(lossTerms);
    }

    /**
     * A report without loss-term summaries.
     *
     * @param experiment the experiment's name
     * @param runDirectory the run's folder
     * @param device the device trained on
     * @param plugins each plugin's slot, name and version
     * @param tasks task names in training order
     * @param metric the primary metric
     * @param accuracyMatrix the primary metric's matrix
     * @param beforeTraining the scores before training
     * @param summary the continual-learning summary
     * @param otherMetrics the other metrics' matrices
     * @param lossCurves the loss curves
     * @param nanSkips steps the NaN guard dropped
     * @param timings seconds spent
     * @param pluginValues plugin state values
     * @param environment versions, OS and CPU count
     * @param nanSkipsPerTask steps the NaN guard dropped in each task
     */
    public RunReport(String experiment, String runDirectory, String device, List<Map<String, String>> plugins,
                     List<String> tasks, String metric, double[][] accuracyMatrix, double[] beforeTraining,
                     ContinualSummary summary, Map<String, double[][]> otherMetrics, List<List<Double>> lossCurves,
                     long nanSkips, Map<String, Double> timings, Map<String, Map<String, Object>> pluginValues,
                     Map<String, String> environment, List<Long> nanSkipsPerTask) {
        this(experiment, runDirectory, device, plugins, tasks, metric, accuracyMatrix, beforeTraining, summary,
                otherMetrics, lossCurves, nanSkips, timings, pluginValues, environment, nanSkipsPerTask, List.of());
    }

    /**
     * A report without per-task skip counts.
     *
     * @param experiment the experiment's name
     * @param runDirectory the run's folder
     * @param device the device trained on
     * @param plugins each plugin's slot, name and version
     * @param tasks task names in training order
     * @param metric the primary metric
     * @param accuracyMatrix the primary metric's matrix
     * @param beforeTraining the scores before training
     * @param summary the continual-learning summary
     * @param otherMetrics the other metrics' matrices
     * @param lossCurves the loss curves
     * @param nanSkips steps the NaN guard dropped
     * @param timings seconds spent
     * @param pluginValues plugin state values
     * @param environment versions, OS and CPU count
     */
    public RunReport(String experiment, String runDirectory, String device, List<Map<String, String>> plugins,
                     List<String> tasks, String metric, double[][] accuracyMatrix, double[] beforeTraining,
                     ContinualSummary summary, Map<String, double[][]> otherMetrics, List<List<Double>> lossCurves,
                     long nanSkips, Map<String, Double> timings, Map<String, Map<String, Object>> pluginValues,
                     Map<String, String> environment) {
        this(experiment, runDirectory, device, plugins, tasks, metric, accuracyMatrix, beforeTraining, summary,
                otherMetrics, lossCurves, nanSkips, timings, pluginValues, environment, List.of(), List.of());
    }

    /**
     * The primary metric on task j after training task i.
     *
     * @param i the trained task
     * @param j the evaluated task
     * @return the score, NaN when not evaluated
     */
    public double score(int i, int j) {
        return accuracyMatrix[i][j];
    }
}
