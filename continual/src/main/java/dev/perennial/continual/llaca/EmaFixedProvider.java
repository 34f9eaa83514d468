package dev.perennial.continual.llaca;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * {@code ema-fixed}: LoRA + projector tuning with a constant EMA θ* = β·θ* + (1 − β)·θ after every optimizer step
 * and θ ← θ* at each task's end: the "stable EMA (0.99)" row of LLaCA's ablation.
 */
@PluginName("ema-fixed")
public final class EmaFixedProvider extends AbstractPluginProvider<EmaFixedProvider.Config, Learner>
        implements LearnerProvider<EmaFixedProvider.Config> {
    /** Creates the provider. */
    public EmaFixedProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(LlavaModelConfig.defaults(), 0.99f),
                "LoRA + projector tuning of LLaVA with a constant EMA (beta 0.99) after every step.");
    }

    /**
     * Configuration.
     *
     * @param model the LLaVA model and LoRA recipe
     * @param beta the weight on the old EMA, in [0, 1)
     */
    public record Config(
            @ConfigDoc("The LLaVA model and LoRA recipe.") @JsonProperty("model") LlavaModelConfig model,
            @ConfigDoc("Weight on the old EMA, in [0, 1); LLaCA's stable EMA uses 0.99.") @JsonProperty("beta") Float beta) {
        /** Fills missing parts with the defaults and validates β. */
        public Config {
            model = model == null ? LlavaModelConfig.defaults() : model;
            beta = beta == null ? 0.99f : beta;
            if (!(beta >= 0 && beta < 1)) {
                throw new IllegalArgumentException("learner 'ema-fixed' beta must be in [0, 1), was " + beta);
            }
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new LlavaInstructionLearner(name(), LlavaInstructionLearner.Method.EMA_FIXED, config.model(),
                AdaptiveEmaUpdate.fixed(config.beta(), context.manager()), true, context);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.INSTRUCTION, Capability.STATEFUL);
    }
}
