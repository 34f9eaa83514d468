package dev.perennial.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task's loss terms in {@code report.json} ({@code lossTerms}): each term the learner and the distillers returned
 * (unweighted, as the JSON-lines log shows them), averaged over the task's <em>logged</em> optimizer steps (every
 * {@code training.logEverySteps}-th step and the task's last, NaN-skipped steps left out), and over the first and
 * the last tenth of them (at least one), to see where a term started and ended.
 *
 * @param task the task's index
 * @param loggedSteps the logged steps the means are over (the most any term has)
 * @param mean per term, the mean over its logged steps
 * @param first per term, the mean over the first tenth of its logged steps
 * @param last per term, the mean over the last tenth of its logged steps
 */
public record TaskLossTerms(@JsonProperty("task") int task,
                            @JsonProperty("loggedSteps") int loggedSteps,
                            @JsonProperty("mean") Map<String, Double> mean,
                            @JsonProperty("first") Map<String, Double> first,
                            @JsonProperty("last") Map<String, Double> last) {

    /** Absent maps read as empty. */
    public TaskLossTerms {
        mean = mean == null ? Map.of() : mean;
        first = first == null ? Map.of() : first;
        last = last == null ? Map.of() : last;
    }

    /**
     * Summarises one task's logged term values.
     *
     * @param task the task's index
     * @param values per term, its values at the logged steps in step order (none empty)
     * @return the summary
     */
    public static TaskLossTerms of(int task, Map<String, List<Double>> values) {
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Double> first = new LinkedHashMap<>();
        Map<String, Double> last = new LinkedHashMap<>();
        int steps = 0;
        for (Map.Entry<String, List<Double>> e : values.entrySet()) {
            List<Double> v = e.getValue();
            if (v.isEmpty()) {
                continue;
            }
            int tenth = Math.max(1, v.size() / 10);
            mean.put(e.getKey(), average(v));
            first.put(e.getKey(), average(v.subList(0, tenth)));
            last.put(e.getKey(), average(v.subList(v.size() - tenth, v.size())));
            steps = Math.max(steps, v.size());
        }
        return new TaskLossTerms(task, steps, mean, first, last);
    }

    private static double average(List<Double> v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.size();
    }
}
