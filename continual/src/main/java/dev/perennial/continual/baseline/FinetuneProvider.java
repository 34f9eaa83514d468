package dev.perennial.continual.baseline;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/**
 * {@code finetune}: naive sequential fine-tuning, the lower bound of class-incremental learning. Each task
 * trains the whole network with cross-entropy over the classes seen so far; nothing protects old classes, so
 * they are forgotten (catastrophic forgetting).
 */
@PluginName("finetune")
public final class FinetuneProvider extends AbstractPluginProvider<FinetuneProvider.Config, Learner>
        implements LearnerProvider<FinetuneProvider.Config> {
    /** Creates the provider. */
    public FinetuneProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(BackboneConfig.defaults()),
                "Naive sequential fine-tuning (lower bound; forgets old classes).");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone) {
        /** Fills a missing backbone with the default. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new FinetuneLearner(context, config.backbone());
    }

    /** Fine-tuning: cross-entropy only. */
    static final class FinetuneLearner extends ClassIncrementalLearner {
        FinetuneLearner(PluginContext context, BackboneConfig backbone) {
            super(context, backbone, "finetune");
        }
    }
}
