package dev.perennial.distillation.cakd;

import dev.perennial.spi.Capability;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.DistillerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Optional;
import java.util.Set;

/** Registers {@code cakd}: cross-architecture KD through a fusion (assistant) model, InfoNCE and OFA. */
@PluginName(CakdDistiller.NAME)
public final class CakdProvider implements DistillerProvider<CakdConfig> {

    /** Does no work (the registry instantiates providers to read their metadata). */
    public CakdProvider() {}

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<CakdConfig> configType() {
        return CakdConfig.class;
    }

    @Override
    public CakdConfig defaultConfig() {
        return CakdConfig.defaults();
    }

    @Override
    public String description() {
        return "Cross-architecture KD through an assistant model fusing CNN and attention/MLP stages; InfoNCE on "
                + "pooled features and the OFA logit loss on teacher-student, teacher-assistant, assistant-student.";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.NEEDS_TEACHER, Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Distiller create(CakdConfig config, PluginContext context) {
        return new CakdDistiller(config, context.manager(), Optional.empty());
    }
}
