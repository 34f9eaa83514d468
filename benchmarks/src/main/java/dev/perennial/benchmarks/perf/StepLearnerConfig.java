package dev.perennial.benchmarks.perf;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code step-benchmark} learner.
 *
 * @param workload which model: {@code vit_s16_224}, {@code resnet18_cifar} or {@code llama_block_d256_s64}
 * @param initSeed the engine seed the weights are drawn with (the bare-DJL side uses the same)
 */
public record StepLearnerConfig(
        @ConfigDoc("Model of the loop-overhead benchmark: vit_s16_224, resnet18_cifar or llama_block_d256_s64.")
        @JsonProperty("workload") String workload,
        @ConfigDoc("Engine seed the initial weights are drawn with; default 0.") @JsonProperty("initSeed") int initSeed) {

    /** Validates the workload name. */
    public StepLearnerConfig {
        try {
            StepWorkload.of(workload);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("step-benchmark config field 'workload': " + e.getMessage(), e);
        }
    }
}
