package dev.perennial.api.data;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Configuration of the {@code class-incremental} scenario: B{@code initialClasses}-Inc{@code increment}.
 *
 * @param initialClasses classes in the first task (B), or 0 for B0 (the first task has {@code increment})
 * @param increment classes added by each further task (K)
 * @param classOrderSeed the seed that shuffles the class order, or -1 for the natural order
 * @param maxTasks the most tasks to keep, or 0 for all
 * @param classOrder an explicit class order (every class id once), or empty to use {@code classOrderSeed}
 */
public record ClassIncrementalConfig(
        @ConfigDoc("Classes in the first task (B of Bm-IncK); 0 means B0, where the first task has 'increment' "
                + "classes like every other. Default 0.")
        int initialClasses,
        @ConfigDoc("Classes added by each task (K of B0-IncK), >= 1. Default 2.")
        int increment,
        @ConfigDoc("Seed of the class order (a Fisher-Yates shuffle with java.util.Random(seed)); -1 keeps the data "
                + "set's class order. Default -1.")
        long classOrderSeed,
        @ConfigDoc("Keep only the first this many tasks (their classes only); 0 keeps all. Default 0.")
        int maxTasks,
        @ConfigDoc("Explicit class order: every class id of the data set once, in training order (e.g. PyCIL's "
                + "numpy seed-1993 permutation); empty uses classOrderSeed. Not together with classOrderSeed. "
                + "Default empty.")
        List<Integer> classOrder) {

    /** The {@link #classOrderSeed} that keeps the natural class order. */
    public static final long NATURAL_ORDER = -1;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public ClassIncrementalConfig {
        if (initialClasses < 0) {
            throw new IllegalArgumentException("class-incremental: 'initialClasses' must be >= 0 (0 = B0), was "
                    + initialClasses);
        }
        if (increment < 1) {
            throw new IllegalArgumentException("class-incremental: 'increment' must be >= 1, was " + increment);
        }
        classOrder = classOrder == null ? List.of() : List.copyOf(classOrder);
        if (!classOrder.isEmpty() && classOrderSeed != NATURAL_ORDER) {
            throw new IllegalArgumentException("class-incremental: give 'classOrder' or 'classOrderSeed', not both");
        }
        if (maxTasks < 0) {
            throw new IllegalArgumentException("class-incremental: 'maxTasks' must be >= 0 (0 = all), was "
                    + maxTasks);
        }
    }

    /**
     * Without an explicit class order.
     *
     * @param initialClasses classes in the first task, or 0 for B0
     * @param increment classes added by each further task
     * @param classOrderSeed the seed of the class order, or -1 for the natural order
     * @param maxTasks the most tasks to keep, or 0 for all
     */
    public ClassIncrementalConfig(int initialClasses, int increment, long classOrderSeed, int maxTasks) {
        this(initialClasses, increment, classOrderSeed, maxTasks, List.of());
    }

    /**
     * B0-Inc2 in the natural class order.
     *
     * @return the defaults
     */
    public static ClassIncrementalConfig defaults() {
        return new ClassIncrementalConfig(0, 2, NATURAL_ORDER, 0);
    }
}
