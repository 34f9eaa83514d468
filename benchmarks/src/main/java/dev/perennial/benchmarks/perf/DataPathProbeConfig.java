package dev.perennial.benchmarks.perf;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code data-path-probe} learner.
 *
 * @param batchSize the batch size the task's data is read in
 * @param passes how many times the task's data is read (the first pass includes JIT warm-up and cold file caches)
 */
public record DataPathProbeConfig(
        @ConfigDoc("Batch size the probe reads the task's training data in, >= 1; default 128.")
        @JsonProperty("batchSize") int batchSize,
        @ConfigDoc("Passes over the task's training data, >= 1; default 2 (the first warms the JIT and file cache).")
        @JsonProperty("passes") int passes) {

    /** Validates. */
    public DataPathProbeConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("data-path-probe config field 'batchSize' must be >= 1, was " + batchSize);
        }
        if (passes < 1) {
            throw new IllegalArgumentException("data-path-probe config field 'passes' must be >= 1, was " + passes);
        }
    }
}
