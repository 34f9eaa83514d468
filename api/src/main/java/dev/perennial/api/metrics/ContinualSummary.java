package dev.perennial.api.metrics;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;

/**
 * The continual-learning numbers of one accuracy matrix over its first {@code tasks} tasks; see
 * {@link AccuracyMatrix} for the formulas. A number that is undefined (forgetting, BWT and FWT need two tasks; FWT
 * needs the before-training scores and the upper diagonal) is {@code NaN}, written as JSON {@code null}
 * ({@link NanAsNull}).
 *
 * @param tasks T, the number of tasks trained
 * @param incrementalAccuracies A_i for i = 0 … T−1, the mean score on the tasks seen after training task i
 * @param averageIncrementalAccuracy Ā, the mean of the A_i
 * @param lastAccuracy A_{T−1}
 * @param forgetting F, average forgetting (Chaudhry et al., 2018)
 * @param backwardTransfer BWT (Lopez-Paz and Ranzato, 2017)
 * @param forwardTransfer FWT (Lopez-Paz and Ranzato, 2017)
 */
public record ContinualSummary(
        int tasks,
        @JsonSerialize(using = NanAsNull.Writer.class) @JsonDeserialize(using = NanAsNull.Reader.class)
        List<Double> incrementalAccuracies,
        @JsonSerialize(using = NanAsNull.Writer.class) @JsonDeserialize(using = NanAsNull.Reader.class)
        double averageIncrementalAccuracy,
        @JsonSerialize(using = NanAsNull.Writer.class) @JsonDeserialize(using = NanAsNull.Reader.class)
        double lastAccuracy,
        @JsonSerialize(using = NanAsNull.Writer.class) @JsonDeserialize(using = NanAsNull.Reader.class)
        double forgetting,
        @JsonSerialize(using = NanAsNull.Writer.class) @JsonDeserialize(using = NanAsNull.Reader.class)
        double backwardTransfer,
        @JsonSerialize(using = NanAsNull.Writer.class) @JsonDeserialize(using = NanAsNull.Reader.class)
        double forwardTransfer) {
    /** Copies the list. */
    public ContinualSummary {
        incrementalAccuracies = List.copyOf(incrementalAccuracies);
    }
}
