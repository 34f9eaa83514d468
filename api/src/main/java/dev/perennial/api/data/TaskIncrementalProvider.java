package dev.perennial.api.data;

import dev.perennial.spi.Capability;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.ScenarioProvider;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.TaskSplitter;
import java.util.Set;

/**
 * {@code task-incremental}: the tasks of {@code class-incremental} (disjoint classes, B0-IncK or Bm-IncK), evaluated
 * with the task id given at test time: an experiment on this scenario defaults to the metrics
 * {@code [task-accuracy, accuracy]}, so the accuracy matrix restricts each prediction to the classes of the task
 * its example belongs to (multi-head evaluation), and the class-incremental accuracy is reported beside it.
 */
@PluginName("task-incremental")
public final class TaskIncrementalProvider implements ScenarioProvider<ClassIncrementalConfig> {
    /** Creates the provider; does no work. */
    public TaskIncrementalProvider() {}

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<ClassIncrementalConfig> configType() {
        return ClassIncrementalConfig.class;
    }

    @Override
    public ClassIncrementalConfig defaultConfig() {
        return ClassIncrementalConfig.defaults();
    }

    @Override
    public String description() {
        return "Tasks of disjoint classes with the task id given at test time (multi-head evaluation by"
                + " task-accuracy).";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TASK_INCREMENTAL);
    }

    @Override
    public TaskSplitter create(ClassIncrementalConfig config, PluginContext context) {
        ClassIncrementalSplitter split = new ClassIncrementalSplitter(config);
        return (DatasetSource source) -> {
            Scenario s = split.split(source);
            return new Scenario(s.name().replaceFirst("^class-incremental", "task-incremental"), s.classNames(),
                    s.tasks(), s.featureShapes());
        };
    }
}
