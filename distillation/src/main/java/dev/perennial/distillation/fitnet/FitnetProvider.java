package dev.perennial.distillation.fitnet;

import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.DistillerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Registers {@code fitnet} (feature regression through a learnable regressor). */
@PluginName(FitnetDistiller.NAME)
public final class FitnetProvider extends AbstractPluginProvider<FitnetConfig, Distiller>
        implements DistillerProvider<FitnetConfig> {
    /** Creates the provider. */
    public FitnetProvider() {
        super(SpiVersion.CURRENT, "0.1.0", FitnetConfig.class, () -> FitnetConfig.of(ModelSpec.of("vit", 10, 32), 512),
                "FitNets-style regression of the pooled student feature onto the teacher feature through a learnable"
                + " regressor.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.NEEDS_TEACHER, Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Distiller create(FitnetConfig config, PluginContext context) {
        return new FitnetDistiller(config, context.manager());
    }
}
