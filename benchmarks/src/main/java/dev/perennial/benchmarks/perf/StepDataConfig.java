package dev.perennial.benchmarks.perf;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code step-benchmark-data} source.
 *
 * @param workload whose input shape the examples have
 * @param trainExamples training examples
 * @param testExamples evaluation examples
 * @param poolSize distinct random samples the examples cycle through
 * @param seed the seed of the pool
 */
public record StepDataConfig(
        @ConfigDoc("Input shape of this benchmark model: vit_s16_224, resnet18_cifar or llama_block_d256_s64.")
        @JsonProperty("workload") String workload,
        @ConfigDoc("Training examples, >= 1.") @JsonProperty("trainExamples") int trainExamples,
        @ConfigDoc("Evaluation examples, >= 1.") @JsonProperty("testExamples") int testExamples,
        @ConfigDoc("Distinct random samples the examples cycle through, >= 1.") @JsonProperty("poolSize") int poolSize,
        @ConfigDoc("Seed of the random samples.") @JsonProperty("seed") long seed) {

    /** Validates every field. */
    public StepDataConfig {
        try {
            StepWorkload.of(workload);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("step-benchmark-data config field 'workload': " + e.getMessage(), e);
        }
        if (trainExamples < 1 || testExamples < 1 || poolSize < 1) {
            throw new IllegalArgumentException("step-benchmark-data config fields 'trainExamples', 'testExamples' and "
                    + "'poolSize' must be >= 1; were " + trainExamples + ", " + testExamples + ", " + poolSize);
        }
    }
}
