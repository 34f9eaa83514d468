package dev.perennial.api.data;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.ScenarioProvider;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.TaskSplitter;
import java.util.Set;

/** Provides the {@link DomainIncrementalSplitter} under the name {@code domain-incremental}. */
@PluginName("domain-incremental")
public final class DomainIncrementalProvider extends AbstractPluginProvider<DomainIncrementalConfig, TaskSplitter>
        implements ScenarioProvider<DomainIncrementalConfig> {
    /** Creates the provider. */
    public DomainIncrementalProvider() {
        super(SpiVersion.CURRENT, "0.1.0", DomainIncrementalConfig.class, DomainIncrementalConfig::defaults,
                "Every task holds every class; task t permutes the pixels or rotates the images (permuted / rotated"
                + " MNIST).");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DOMAIN_INCREMENTAL);
    }

    @Override
    public TaskSplitter create(DomainIncrementalConfig config, PluginContext context) {
        return new DomainIncrementalSplitter(config);
    }
}
