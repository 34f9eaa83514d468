package dev.perennial.api.events;

import java.util.Map;

/**
 * An optimizer step.
 *
 * @param task the task index
 * @param epoch the epoch within the task
 * @param taskStep the optimizer step within the task, from 1
 * @param taskSteps the optimizer steps of the task
 * @param globalStep optimizer steps since the run began
 * @param loss the weighted total loss of the step's last batch
 * @param terms each named term's unweighted value
 * @param learningRate the base learning rate used
 * @param samplesPerSecond training throughput since the task began
 * @param skipped whether the NaN guard dropped this step
 * @param skippedSteps the steps of this task the NaN guard dropped so far, this one included
 */
public record StepEvent(int task, int epoch, long taskStep, long taskSteps, long globalStep, double loss,
                        Map<String, Double> terms, double learningRate, double samplesPerSecond, boolean skipped,
                        long skippedSteps) {}
