package dev.perennial.api.data;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.Scenario;

/** Builds scenarios in Java, the same ones the {@code class-incremental} scenario plugin builds from a file. */
public final class Scenarios {
    private Scenarios() {}

    /**
     * A class-incremental scenario, B{@code initial}-Inc{@code increment}.
     *
     * @param source the data set
     * @param initial classes in the first task, or 0 for B0 (the first task has {@code increment} classes)
     * @param increment classes per further task
     * @param classOrderSeed seed of the class order, or -1 for the natural order
     * @return the scenario
     * @throws IllegalArgumentException when the classes do not divide as asked; says what would
     */
    public static Scenario classIncremental(DatasetSource source, int initial, int increment, long classOrderSeed) {
        return classIncremental(source, new ClassIncrementalConfig(initial, increment, classOrderSeed, 0));
    }

    /**
     * A B0-Inc{@code increment} scenario in the data set's class order.
     *
     * @param source the data set
     * @param increment classes per task
     * @return the scenario
     */
    public static Scenario classIncremental(DatasetSource source, int increment) {
        return classIncremental(source, 0, increment, ClassIncrementalConfig.NATURAL_ORDER);
    }

    /**
     * A class-incremental scenario as configured.
     *
     * @param source the data set
     * @param config the configuration
     * @return the scenario
     */
    public static Scenario classIncremental(DatasetSource source, ClassIncrementalConfig config) {
        return new ClassIncrementalSplitter(config).split(source);
    }
}
