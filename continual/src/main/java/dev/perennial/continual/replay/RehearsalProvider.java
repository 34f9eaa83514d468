package dev.perennial.continual.replay;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.SpiVersion;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every rehearsal learner's provider shares: version, SPI version and capabilities (class-, task- and
 * domain-incremental scenarios, with state across tasks: the memory).
 *
 * @param <C> the configuration record
 */
abstract class RehearsalProvider<C extends Record> extends AbstractPluginProvider<C, Learner>
        implements LearnerProvider<C> {
    /**
     * Stores the metadata.
     *
     * @param configType the learner's configuration record
     * @param defaultConfig makes its defaults
     * @param description the learner's description
     */
    RehearsalProvider(Class<C> configType, Supplier<C> defaultConfig, String description) {
        super(SpiVersion.CURRENT, "1.0.0", configType, defaultConfig, description);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.TASK_INCREMENTAL, Capability.DOMAIN_INCREMENTAL,
                Capability.STATEFUL);
    }
}
