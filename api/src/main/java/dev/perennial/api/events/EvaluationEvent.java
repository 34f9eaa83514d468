package dev.perennial.api.events;

import java.util.Map;

/**
 * One row of the accuracy matrix, after training a task.
 *
 * @param trainedTask the task just trained
 * @param scores the primary metric on every task (NaN where not evaluated)
 * @param metric the primary metric's name
 * @param otherScores the other metrics' rows, by metric name, in the experiment's order (NaN where not evaluated);
 *     empty when the experiment has one metric
 */
public record EvaluationEvent(int trainedTask, double[] scores, String metric, Map<String, double[]> otherScores) {

    /** Copies the other rows' map; null is none. */
    public EvaluationEvent {
        otherScores = otherScores == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(otherScores));
    }

    /**
     * The primary metric's row only.
     *
     * @param trainedTask the task just trained
     * @param scores the primary metric on every task
     * @param metric the primary metric's name
     */
    public EvaluationEvent(int trainedTask, double[] scores, String metric) {
        this(trainedTask, scores, metric, Map.of());
    }
}
