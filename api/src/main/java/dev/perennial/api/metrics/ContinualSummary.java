package dev.perennial.api.metrics;

import java.util.List;

/**
 * The continual-learning numbers of one accuracy matrix over its first {@code tasks} tasks; see
 * {@link AccuracyMatrix} for the formulas. A number that is undefined (forgetting, BWT and FWT need two tasks; FWT
 * needs the before-training scores and the upper diagonal) is {@code NaN}, which Jackson writes as {@code "NaN"}.
 *
 * @param tasks T, the number of tasks trained
 * @param incrementalAccuracies A_i for i = 0 … T−1, the mean score on the tasks seen after training task i
 * @param averageIncrementalAccuracy Ā, the mean of the A_i
 * @param lastAccuracy A_{T−1}
 * @param forgetting F, average forgetting (Chaudhry et al., 2018)
 * @param backwardTransfer BWT (Lopez-Paz and Ranzato, 2017)
 * @param forwardTransfer FWT (Lopez-Paz and Ranzato, 2017)
 */
public record ContinualSummary(int tasks, List<Double> incrementalAccuracies, double averageIncrementalAccuracy,
                               double lastAccuracy, double forgetting, double backwardTransfer,
                               double forwardTransfer) {
    /** Copies the list. */
    public ContinualSummary {
        incrementalAccuracies = List.copyOf(incrementalAccuracies);
    }
}
