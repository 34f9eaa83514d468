package dev.perennial.benchmarks.perf;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code data-path-probe} learner.
 *
 * @param batchSize the batch size the task's data is read in
 */
public record DataPathProbeConfig(
        @ConfigDoc("Batch size the probe reads the task's training data in, >= 1; default 128.")
        @JsonProperty("batchSize") int batchSize) {

    /** Validates. */
    public DataPathProbeConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("data-path-probe config field 'batchSize' must be >= 1, was " + batchSize);
        }
    }
}
