package dev.perennial.distillation.cakd;

import dev.perennial.spi.AbstractPluginProvider;
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
public final class CakdProvider extends AbstractPluginProvider<CakdConfig, Distiller>
        implements DistillerProvider<CakdConfig> {
    /** Creates the provider. */
    public CakdProvider() {
        super(SpiVersion.CURRENT, "0.1.0", CakdConfig.class, CakdConfig::defaults,
                "Cross-architecture KD through an assistant model fusing CNN and attention/MLP stages; InfoNCE on "
                + "pooled features and the OFA logit loss on teacher-student, teacher-assistant, assistant-student.");
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
