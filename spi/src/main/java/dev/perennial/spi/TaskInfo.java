package dev.perennial.spi;

import java.util.Arrays;

/**
 * One task (an "experience" in Avalanche's vocabulary) of a scenario.
 *
 * @param index position in training order, from 0
 * @param name a human-readable name, e.g. {@code task-0} or {@code ScienceQA}
 * @param classes the class ids whose examples are in this task's training data (empty for instruction tasks)
 * @param trainSize the number of training examples
 * @param testSize the number of evaluation examples
 */
public record TaskInfo(int index, String name, int[] classes, int trainSize, int testSize) {
    /** Copies the classes. */
    public TaskInfo {
        if (index < 0) {
            throw new IllegalArgumentException("task index must be >= 0, was " + index);
        }
        classes = classes.clone();
    }

    @Override
    public int[] classes() {
        return classes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskInfo t && t.index == index && t.name.equals(name)
                && Arrays.equals(t.classes, classes) && t.trainSize == trainSize && t.testSize == testSize;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * index + name.hashCode()) + Arrays.hashCode(classes);
    }

    @Override
    public String toString() {
        return "TaskInfo[" + index + " " + name + " classes=" + Arrays.toString(classes)
                + " train=" + trainSize + " test=" + testSize + "]";
    }
}
