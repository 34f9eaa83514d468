package dev.perennial.benchmarks.augmentation;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code worst-group-accuracy}.
 *
 * @param groupInput the batch input holding each sample's group attribute
 * @param minGroupSize groups with fewer evaluated samples are ignored
 */
public record WorstGroupConfig(
        @ConfigDoc("Batch input with one group attribute per sample (int64, B or B×1), e.g. the background class; "
                + "a group is a (label, attribute) pair. Default 'background'.") String groupInput,
        @ConfigDoc("Groups with fewer evaluated samples than this (>= 1) are left out of the minimum; default 1.")
                int minGroupSize) {

    /** Validates the fields. */
    public WorstGroupConfig {
        if (groupInput == null || groupInput.isBlank()) {
            throw new IllegalArgumentException("worst-group-accuracy: 'groupInput' must name a batch input");
        }
        if (minGroupSize < 1) {
            throw new IllegalArgumentException("worst-group-accuracy: 'minGroupSize' must be >= 1; was "
                    + minGroupSize);
        }
    }
}
