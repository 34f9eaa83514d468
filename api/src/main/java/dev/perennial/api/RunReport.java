package dev.perennial.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.api.metrics.ContinualSummary;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, serializable as JSON ({@code report.json} in the run folder).
 *
 * @param experiment the experiment's name
 * @param runDirectory the run's folder
 * @param device the device trained on
 * @param plugins each plugin's slot, name and version
 * @param tasks task names in training order
 * @param metric the primary metric, which fills the matrix
 * @param accuracyMatrix row i: the primary metric on every task after training task i (NaN: not evaluated)
 * @param beforeTraining the primary metric on every task before any training (empty unless evaluated)
 * @param summary average incremental accuracy, last accuracy, forgetting, BWT and (when evaluated) FWT
 * @param otherMetrics the other metrics' matrices, by name
 * @param lossCurves per task, the total training loss at every optimizer step
 * @param nanSkips steps the NaN guard dropped
 * @param timings seconds spent: {@code total}, {@code train}, {@code evaluate}, {@code checkpoint}
 * @param pluginValues the plain state values of each plugin at the end (e.g. counters), by slot
 * @param environment Java, DJL and engine versions, OS and CPU count
 */
public record RunReport(@JsonProperty("experiment") String experiment,
                        @JsonProperty("runDirectory") String runDirectory,
                        @JsonProperty("device") String device,
                        @JsonProperty("plugins") List<Map<String, String>> plugins,
                        @JsonProperty("tasks") List<String> tasks,
                        @JsonProperty("metric") String metric,
                        @JsonProperty("accuracyMatrix") double[][] accuracyMatrix,
                        @JsonProperty("beforeTraining") double[] beforeTraining,
                        @JsonProperty("summary") ContinualSummary summary,
                        @JsonProperty("otherMetrics") Map<String, double[][]> otherMetrics,
                        @JsonProperty("lossCurves") List<List<Double>> lossCurves,
                        @JsonProperty("nanSkips") long nanSkips,
                        @JsonProperty("timings") Map<String, Double> timings,
                        @JsonProperty("pluginValues") Map<String, Map<String, Object>> pluginValues,
                        @JsonProperty("environment") Map<String, String> environment) {

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
