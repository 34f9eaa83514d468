package dev.perennial.distillation.kd;

import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.DistillerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Registers {@code kd} (Hinton logit distillation). */
@PluginName(KdDistiller.NAME)
public final class KdProvider extends AbstractPluginProvider<KdConfig, Distiller>
        implements DistillerProvider<KdConfig> {
    /** Creates the provider. */
    public KdProvider() {
        super(SpiVersion.CURRENT, "0.1.0", KdConfig.class, () -> KdConfig.of(ModelSpec.of("vit", 10, 32)),
                "Hinton knowledge distillation: T^2-scaled KL between temperature-softened teacher and student.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.NEEDS_TEACHER, Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Distiller create(KdConfig config, PluginContext context) {
        return new KdDistiller(config, context.manager());
    }
}
