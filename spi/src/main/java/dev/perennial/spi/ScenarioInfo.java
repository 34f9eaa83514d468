package dev.perennial.spi;

import java.util.List;
import java.util.Map;

/**
 * A summary of a scenario that plugins may size themselves to.
 *
 * @param name the scenario's name
 * @param classNames every class of the data set, indexed by class id
 * @param tasks the tasks in training order
 * @param featureShapes the shape of one example's feature for each feature name (e.g. {@code image} to [1, 28, 28])
 */
public record ScenarioInfo(String name, List<String> classNames, List<TaskInfo> tasks,
                           Map<String, long[]> featureShapes) {
    /** Copies the lists. */
    public ScenarioInfo {
        classNames = List.copyOf(classNames);
        tasks = List.copyOf(tasks);
        featureShapes = Map.copyOf(featureShapes);
    }

    /**
     * The number of classes in the data set.
     *
     * @return the number of classes
     */
    public int classCount() {
        return classNames.size();
    }
}
