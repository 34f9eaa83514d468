package dev.perennial.spi;

/**
 * One task of a scenario with its data.
 *
 * @param info what the task is
 * @param train the task's training examples
 * @param test the task's evaluation examples
 */
public record Task(TaskInfo info, DatasetSplit train, DatasetSplit test) {
    /** Checks that the sizes agree with the info. */
    public Task {
        if (train.size() != info.trainSize() || test.size() != info.testSize()) {
            throw new IllegalArgumentException("task " + info.name() + ": info says train=" + info.trainSize()
                    + " test=" + info.testSize() + " but the splits hold " + train.size() + " and " + test.size());
        }
    }
}
