package dev.perennial.continual.prompt;

import java.util.Arrays;

/**
 * Which classes the training cross-entropy sees (prompts.md §1.3, pitfall 7). In a class-incremental split with
 * disjoint tasks, the JAX {@code train_mask} (everything outside the current task masked) and PILOT's / the CODA
 * repository's (old classes masked, future units sliced off) leave the same classes: {@link #CURRENT_TASK}.
 */
public enum TrainLogitMask {
    /** Only the current task's classes (the official codes). */
    CURRENT_TASK("current-task"),
    /** Every class seen so far, the current task's included (SAFE's convention, safe.md §2.4). */
    SEEN("seen");

    private final String configName;

    TrainLogitMask(String configName) {
        this.configName = configName;
    }

    /** @return the name in configs */
    public String configName() {
        return configName;
    }

    /**
     * Parses a config value.
     *
     * @param plugin the learner's name, for the message
     * @param value the value
     * @return the mask
     */
    public static TrainLogitMask parse(String plugin, String value) {
        for (TrainLogitMask m : values()) {
            if (m.configName.equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException(plugin + ": 'trainLogitMask' must be one of "
                + Arrays.stream(values()).map(TrainLogitMask::configName).toList() + ", was '" + value + "'");
    }
}
