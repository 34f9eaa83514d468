package dev.perennial.continual.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.replay.ReplayBuffer;

/**
 * The replay buffer of {@code er}, {@code der}, {@code derpp} and {@code gdumb}.
 *
 * @param size the capacity M in examples
 * @param policy how examples enter a full buffer
 * @param replayBatchSize examples drawn per step (B_m)
 * @param offerOncePerTask offer each stream example once per task (first epoch only) instead of at every epoch
 */
public record MemoryConfig(
        @ConfigDoc("Capacity M of the buffer in examples, >= 1 (Mammoth Seq-CIFAR-10: 200, 500 or 5120).")
        @JsonProperty("size") int size,
        @ConfigDoc("Insertion rule: 'reservoir' (uniform over every example offered; Mammoth) or 'class-balanced'"
                + " (GDumb's greedy sampler).")
        @JsonProperty("policy") String policy,
        @ConfigDoc("Examples drawn from the buffer per step without replacement (B_m, Mammoth 'minibatch_size'), >= 1;"
                + " fewer while the buffer holds fewer.")
        @JsonProperty("replayBatchSize") int replayBatchSize,
        @ConfigDoc("Offer each stream example to the buffer once per task (in the first epoch) rather than at every"
                + " epoch; false is Mammoth's behaviour (the reservoir counter counts every pass).")
        @JsonProperty("offerOncePerTask") boolean offerOncePerTask) {

    /** Validates; messages name the field. */
    public MemoryConfig {
        if (size < 1) {
            throw new IllegalArgumentException("memory.size must be >= 1, was " + size);
        }
        ReplayBuffer.Policy.parse("memory.policy", policy);
        if (replayBatchSize < 1) {
            throw new IllegalArgumentException("memory.replayBatchSize must be >= 1, was " + replayBatchSize);
        }
    }

    /**
     * A reservoir of 200 with draws of 32 (Mammoth's Seq-CIFAR-10 smallest buffer).
     *
     * @return the defaults
     */
    public static MemoryConfig defaults() {
        return new MemoryConfig(200, "reservoir", 32, false);
    }

    /**
     * A buffer of this configuration.
     *
     * @param seed the insertion seed
     * @return an empty buffer
     */
    ReplayBuffer newBuffer(long seed) {
        return new ReplayBuffer(size, ReplayBuffer.Policy.parse("memory.policy", policy), seed);
    }
}
