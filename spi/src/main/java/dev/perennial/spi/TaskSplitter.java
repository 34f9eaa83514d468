package dev.perennial.spi;

/** Cuts a data set into a scenario of tasks; made by a {@link ScenarioProvider}. */
public interface TaskSplitter {
    /**
     * Cuts the data set.
     *
     * @param source the data set
     * @return the scenario
     * @throws IllegalArgumentException when the data set cannot be cut as configured; names the setting
     */
    Scenario split(DatasetSource source);
}
