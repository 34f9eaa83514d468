package dev.perennial.continual.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;

/**
 * {@code der}: dark experience replay, {@code L = CE(f(x), y) + α · MSE(f(x'), z')} with logits z' stored at
 * insertion in a reservoir buffer (Buzzega et al. 2020). Default α = 0.3 (Mammoth best args, Seq-CIFAR-10, every
 * buffer size; specs/replay.md §6).
 */
@PluginName("der")
public final class DerProvider extends RehearsalProvider<DerProvider.Config> {
    /** Creates the provider. */
    public DerProvider() {
        super(Config.class, () -> new Config(BackboneConfig.defaults(), MemoryConfig.defaults(), "none", 0.3),
                "Dark experience replay: replays stored logits (MSE) from a reservoir buffer.");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param memory the buffer
     * @param augmentation the learner's own augmentation
     * @param alpha weight of the logit-replay term
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
                         @ConfigDoc("The replay buffer.") @JsonProperty("memory") MemoryConfig memory,
                         @ConfigDoc("Augmentation the learner applies to the stream batch and to every replayed draw:"
                                 + " 'none' or 'crop-flip'.") @JsonProperty("augmentation") String augmentation,
                         @ConfigDoc("Weight α of the logit MSE on replayed items, >= 0 (Mammoth: 0.3).")
                         @JsonProperty("alpha") double alpha) {
        /** Validates; fills missing parts with their defaults. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            memory = memory == null ? MemoryConfig.defaults() : memory;
            ReplayAugmentation.parse("augmentation", augmentation);
            if (!(alpha >= 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("alpha must be a finite number >= 0, was " + alpha);
            }
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new DarkReplayLearner(context, config.backbone(), config.memory(), config.augmentation(),
                config.alpha(), 0, "der");
    }
}
