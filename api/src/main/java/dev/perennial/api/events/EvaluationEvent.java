package dev.perennial.api.events;

/**
 * One row of the accuracy matrix, after training a task.
 *
 * @param trainedTask the task just trained
 * @param scores the primary metric on every task (NaN where not evaluated)
 * @param metric the primary metric's name
 */
public record EvaluationEvent(int trainedTask, double[] scores, String metric) {}
