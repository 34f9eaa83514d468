package dev.perennial.api.data;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.ScenarioProvider;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.TaskSplitter;

/**
 * What the scenarios that cut a data set into tasks of classes share: the {@link ClassIncrementalConfig}, its
 * defaults, the version, and the {@link ClassIncrementalSplitter}. A subclass names itself, describes itself, states
 * its capabilities, and may rename the scenario the splitter makes.
 */
abstract class ClassSplitProvider extends AbstractPluginProvider<ClassIncrementalConfig, TaskSplitter>
        implements ScenarioProvider<ClassIncrementalConfig> {
    /**
     * Stores the metadata.
     *
     * @param description the scenario's description
     */
    ClassSplitProvider(String description) {
        super(SpiVersion.CURRENT, "0.1.0", ClassIncrementalConfig.class, ClassIncrementalConfig::defaults, description);
    }

    @Override
    public final TaskSplitter create(ClassIncrementalConfig config, PluginContext context) {
        ClassIncrementalSplitter split = new ClassIncrementalSplitter(config);
        return source -> {
            Scenario s = split.split(source);
            String name = scenarioName(s.name());
            return name.equals(s.name()) ? s : new Scenario(name, s.classNames(), s.tasks(), s.featureShapes());
        };
    }

    /**
     * The name of the scenario made from the class-incremental split's name; unchanged by default.
     *
     * @param classIncremental the split's name
     * @return this scenario's name
     */
    protected String scenarioName(String classIncremental) {
        return classIncremental;
    }
}
