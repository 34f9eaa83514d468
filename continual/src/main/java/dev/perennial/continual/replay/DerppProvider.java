package dev.perennial.continual.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;

/**
 * {@code derpp} (DER++; plugin names allow no '+'): dark experience replay plus label replay,
 * {@code L = CE(f(x), y) + α · MSE(f(x'), z') + β · CE(f(x''), y'')} over two independent buffer draws
 * (Buzzega et al. 2020). Defaults α = 0.1, β = 0.5 (Mammoth best args, Seq-CIFAR-10, buffer 200;
 * specs/replay.md §6).
 */
@PluginName("derpp")
public final class DerppProvider extends RehearsalProvider<DerppProvider.Config> {
    /** Creates the provider. */
    public DerppProvider() {
        super(Config.class, () -> new Config(BackboneConfig.defaults(), MemoryConfig.defaults(), "none", 0.1, 0.5),
                "DER++: dark experience replay of stored logits plus cross-entropy on stored labels.");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param memory the buffer
     * @param augmentation the learner's own augmentation
     * @param alpha weight of the logit-replay term
     * @param beta weight of the label-replay term
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
                         @ConfigDoc("The replay buffer.") @JsonProperty("memory") MemoryConfig memory,
                         @ConfigDoc("Augmentation the learner applies to the stream batch and to every replayed draw:"
                                 + " 'none' or 'crop-flip'.") @JsonProperty("augmentation") String augmentation,
                         @ConfigDoc("Weight α of the logit MSE on replayed items, >= 0 (Mammoth, buffer 200: 0.1).")
                         @JsonProperty("alpha") double alpha,
                         @ConfigDoc("Weight β of the cross-entropy on a second draw of replayed items, >= 0"
                                 + " (Mammoth: 0.5).") @JsonProperty("beta") double beta) {
        /** Validates; fills missing parts with their defaults. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            memory = memory == null ? MemoryConfig.defaults() : memory;
            ReplayAugmentation.parse("augmentation", augmentation);
            if (!(alpha >= 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("alpha must be a finite number >= 0, was " + alpha);
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("beta must be a finite number >= 0, was " + beta);
            }
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new DarkReplayLearner(context, config.backbone(), config.memory(), config.augmentation(),
                config.alpha(), config.beta(), "derpp");
    }
}
