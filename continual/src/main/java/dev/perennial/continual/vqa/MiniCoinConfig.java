package dev.perennial.continual.vqa;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

import java.util.List;

/**
 * Configuration of the generated Mini-CoIN benchmark.
 *
 * @param seed the generator seed (the same seed gives the same images and texts)
 * @param imageSize the rendered images' side in pixels
 * @param trainPerTask training examples per task
 * @param testPerTask test examples per task
 * @param tasks which tasks, in order; empty or null for all of {@link MiniCoin#TASKS}
 * @param baseTask also put a task named {@code base} first: a mix of every task's instructions with other
 *                 images, for training a model from scratch before the continual sequence
 * @param basePerTask training (and a fifth as many test) examples of each task type in the base mix
 */
public record MiniCoinConfig(
        @ConfigDoc("Generator seed.") @JsonProperty("seed") long seed,
        @ConfigDoc("Image side in pixels, 16..256.") @JsonProperty("imageSize") int imageSize,
        @ConfigDoc("Training examples per task, >= 1.") @JsonProperty("trainPerTask") int trainPerTask,
        @ConfigDoc("Test examples per task, >= 1.") @JsonProperty("testPerTask") int testPerTask,
        @ConfigDoc("Tasks in order (choice, reading, classification, spatial, color, grounding, counting);"
                + " empty = all.") @JsonProperty("tasks") List<String> tasks,
        @ConfigDoc("Put a 'base' task first: a mix of all instruction types, to train a model from scratch.")
        @JsonProperty("baseTask") boolean baseTask,
        @ConfigDoc("Training examples of each instruction type in the base mix, >= 1 when baseTask.")
        @JsonProperty("basePerTask") int basePerTask) {

    /**
     * Validates, naming the field and what is accepted.
     */
    public MiniCoinConfig {
        tasks = tasks == null || tasks.isEmpty() ? MiniCoin.TASKS : List.copyOf(tasks);
        for (String t : tasks) {
            if (!MiniCoin.TASKS.contains(t)) {
                throw new IllegalArgumentException("mini-coin tasks: unknown task '" + t + "'; accepted: "
                        + MiniCoin.TASKS);
            }
        }
        if (imageSize < 16 || imageSize > 256) {
            throw new IllegalArgumentException("mini-coin imageSize must be in 16..256, was " + imageSize);
        }
        if (trainPerTask < 1 || testPerTask < 1) {
            throw new IllegalArgumentException("mini-coin trainPerTask and testPerTask must be >= 1, were "
                    + trainPerTask + " and " + testPerTask);
        }
        if (baseTask && basePerTask < 1) {
            throw new IllegalArgumentException("mini-coin basePerTask must be >= 1 when baseTask is on, was "
                    + basePerTask);
        }
    }

    /**
     * The defaults: seed 7, 32-pixel images, 200 train and 50 test examples per task, all tasks, no base task.
     *
     * @return the defaults
     */
    public static MiniCoinConfig defaults() {
        return new MiniCoinConfig(7, 32, 200, 50, MiniCoin.TASKS, false, 100);
    }
}
