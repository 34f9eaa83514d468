package dev.perennial.benchmarks.perf;

import java.util.Arrays;

/**
 * Wall-clock seconds of the measured steps of one side of one workload in one round (warm-up steps excluded).
 *
 * @param side {@code bare-djl}, {@code shared-loop} or {@code pytorch-eager}
 * @param workload the workload id
 * @param batch the batch size
 * @param stepSeconds seconds of each measured step
 */
public record StepTimes(String side, String workload, int batch, double[] stepSeconds) {

    /** Copies the array. */
    public StepTimes {
        stepSeconds = stepSeconds.clone();
    }

    /**
     * Steps per second over the measured steps: their count over their total time.
     *
     * @return steps/s
     */
    public double stepsPerSecond() {
        return stepSeconds.length / Arrays.stream(stepSeconds).sum();
    }

    @Override
    public double[] stepSeconds() {
        return stepSeconds.clone();
    }
}
