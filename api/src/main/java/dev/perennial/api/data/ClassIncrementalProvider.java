package dev.perennial.api.data;

import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.ScenarioProvider;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.TaskSplitter;
import java.util.Set;

/** Provides the {@link ClassIncrementalSplitter} under the name {@code class-incremental}. */
@PluginName("class-incremental")
public final class ClassIncrementalProvider implements ScenarioProvider<ClassIncrementalConfig> {
    /** Creates the provider; does no work. */
    public ClassIncrementalProvider() {}

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
        return "Cuts a labelled data set into tasks of disjoint classes (B0-IncK or Bm-IncK, class order from a seed).";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public TaskSplitter create(ClassIncrementalConfig config, PluginContext context) {
        return new ClassIncrementalSplitter(config);
    }
}
