package dev.perennial.continual.replay;

import dev.perennial.spi.Capability;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/**
 * What every rehearsal learner's provider shares: version, SPI version and capabilities (class-, task- and
 * domain-incremental scenarios, with state across tasks: the memory).
 *
 * @param <C> the configuration record
 */
abstract class RehearsalProvider<C extends Record> implements LearnerProvider<C> {
    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.TASK_INCREMENTAL, Capability.DOMAIN_INCREMENTAL,
                Capability.STATEFUL);
    }
}
