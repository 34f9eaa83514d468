package dev.perennial.distillation.ofa;

import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.DistillerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Registers {@code ofa} (the OFA logit loss alone). */
@PluginName(OfaDistiller.NAME)
public final class OfaProvider extends AbstractPluginProvider<OfaConfig, Distiller>
        implements DistillerProvider<OfaConfig> {
    /** Creates the provider. */
    public OfaProvider() {
        // A student default (as cakd's) so that a partial 'student' map merges field by field.
        super(SpiVersion.CURRENT, "0.1.0", OfaConfig.class,
                () -> OfaConfig.of(ModelSpec.of("vit", 10, 32), ModelSpec.of("resnet18", 10, 32)),
                "OFA-KD: the OFA logit loss (soft-target cross-entropy with the target class modulated by"
                + " (p_t + 1)^eps) on the final logits and on per-stage projector heads of the student.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.NEEDS_TEACHER, Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Distiller create(OfaConfig config, PluginContext context) {
        return new OfaDistiller(config, context.manager());
    }
}
