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
 * {@code online-class-incremental}: the tasks of {@code class-incremental} seen as a stream, every training batch
 * once (online continual learning, e.g. Aljundi et al. 2019; Mammoth's online settings): an experiment on this
 * scenario must train one epoch per task ({@code training.epochs: 1}, the default), and is refused otherwise. With
 * one pass, a rehearsal learner's buffer receives each example once.
 */
@PluginName("online-class-incremental")
public final class OnlineClassIncrementalProvider implements ScenarioProvider<ClassIncrementalConfig> {
    /** The scenario name the experiment's epoch check looks for. */
    public static final String NAME = "online-class-incremental";

    /** Creates the provider; does no work. */
    public OnlineClassIncrementalProvider() {}

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
        return "Class-incremental tasks as a single-pass stream: every training batch is seen once (one epoch).";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public TaskSplitter create(ClassIncrementalConfig config, PluginContext context) {
        ClassIncrementalSplitter split = new ClassIncrementalSplitter(config);
        return (DatasetSource source) -> {
            Scenario s = split.split(source);
            return new Scenario("online " + s.name(), s.classNames(), s.tasks(), s.featureShapes());
        };
    }
}
