package dev.perennial.api.events;

/**
 * Evaluation goes on: a batch of one task's test data was scored.
 *
 * @param trainedTask the task just trained (-1 for the evaluation before any training)
 * @param evaluatedTask the task being evaluated
 * @param tasksToEvaluate how many tasks this evaluation scores (tasks {@code 0..tasksToEvaluate-1})
 * @param batch the batches of {@code evaluatedTask} scored so far, from 1
 * @param batches the batches of {@code evaluatedTask}'s test data
 */
public record EvaluationProgress(int trainedTask, int evaluatedTask, int tasksToEvaluate, long batch,
                                 long batches) {}
