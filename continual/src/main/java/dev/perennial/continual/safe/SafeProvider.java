package dev.perennial.continual.safe;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/**
 * {@code safe}: SAFE, slow and fast parameter-efficient tuning on a pre-trained ViT (Zhao et al., NeurIPS 2024).
 * See {@link SafeLearner} and {@link SafeConfig}.
 */
@PluginName("safe")
public final class SafeProvider extends AbstractPluginProvider<SafeConfig, Learner>
        implements LearnerProvider<SafeConfig> {
    /** Creates the provider. */
    public SafeProvider() {
        super(SpiVersion.CURRENT, "1.0.0", SafeConfig.class, SafeConfig::defaults,
                "SAFE: slow and fast PET learners on a pre-trained ViT with analytic heads and entropy aggregation.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(SafeConfig config, PluginContext context) {
        return new SafeLearner(config, context, name());
    }
}
