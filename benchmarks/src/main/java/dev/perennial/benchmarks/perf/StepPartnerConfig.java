package dev.perennial.benchmarks.perf;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code step-benchmark-partner} augmenter.
 *
 * @param key the key the benchmark registered its bare-DJL partner under
 */
public record StepPartnerConfig(
        @ConfigDoc("Key of the bare-DJL partner the loop-overhead benchmark registered for this run.")
        @JsonProperty("key") String key) {

    /** Validates. */
    public StepPartnerConfig {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("step-benchmark-partner config field 'key' must name a registered "
                    + "partner; it is set by the loop-overhead benchmark, not by hand");
        }
    }
}
