package dev.perennial.spi;

import java.util.List;
import java.util.Map;

/**
 * A sequence of tasks cut from a data set.
 *
 * @param name the scenario's name, e.g. {@code class-incremental B0-Inc2}
 * @param classNames all class names of the data set
 * @param tasks the tasks in training order
 * @param featureShapes the shape of each feature of one example
 */
public record Scenario(String name, List<String> classNames, List<Task> tasks, Map<String, long[]> featureShapes) {
    /** Copies and checks. */
    public Scenario {
        tasks = List.copyOf(tasks);
        classNames = List.copyOf(classNames);
        featureShapes = Map.copyOf(featureShapes);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("scenario " + name + " has no tasks");
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).info().index() != i) {
                throw new IllegalArgumentException("scenario " + name + ": task at position " + i
                        + " has index " + tasks.get(i).info().index());
            }
        }
    }

    /**
     * The summary handed to plugins.
     *
     * @return the info
     */
    public ScenarioInfo info() {
        return new ScenarioInfo(name, classNames, tasks.stream().map(Task::info).toList(), featureShapes);
    }
}
