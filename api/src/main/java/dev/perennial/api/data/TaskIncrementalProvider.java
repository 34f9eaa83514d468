package dev.perennial.api.data;

import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginName;
import java.util.Set;

/**
 * {@code task-incremental}: the tasks of {@code class-incremental} (disjoint classes, B0-IncK or Bm-IncK), evaluated
 * with the task id given at test time: an experiment on this scenario defaults to the metrics
 * {@code [task-accuracy, accuracy]}, so the accuracy matrix restricts each prediction to the classes of the task
 * its example belongs to (multi-head evaluation), and the class-incremental accuracy is reported beside it.
 */
@PluginName("task-incremental")
public final class TaskIncrementalProvider extends ClassSplitProvider {
    /** Creates the provider. */
    public TaskIncrementalProvider() {
        super("Tasks of disjoint classes with the task id given at test time (multi-head evaluation by"
                + " task-accuracy).");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TASK_INCREMENTAL);
    }

    @Override
    protected String scenarioName(String classIncremental) {
        return classIncremental.replaceFirst("^class-incremental", "task-incremental");
    }
}
