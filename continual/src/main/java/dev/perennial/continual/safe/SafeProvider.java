package dev.perennial.continual.safe;

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
public final class SafeProvider implements LearnerProvider<SafeConfig> {

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<SafeConfig> configType() {
        return SafeConfig.class;
    }

    @Override
    public SafeConfig defaultConfig() {
        return SafeConfig.defaults();
    }

    @Override
    public String description() {
        return "SAFE: slow and fast PET learners on a pre-trained ViT with analytic heads and entropy aggregation.";
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
