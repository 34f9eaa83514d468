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
 * {@code llaca}: LLaCA (arXiv:2410.10868 v1), LoRA + projector tuning of LLaVA with the gradient-adaptive EMA of
 * every trainable tensor after every optimizer step and θ ← θ* at each task's end (spec llaca.md; no CIA
 * instruction grouping). The EMA convention defaults to the official code's ({@link EmaConvention#CODE}); every
 * reported number states it. The adaptive vs fallback update counts appear in the learner's saved state
 * ({@code emaAdaptiveUpdates}, {@code emaFallbackUpdates}, {@code emaAdaptiveFraction}).
 */
@PluginName("llaca")
public final class LlacaProvider extends AbstractPluginProvider<LlacaProvider.Config, Learner>
        implements LearnerProvider<LlacaProvider.Config> {
    /** Creates the provider. */
    public LlacaProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class,
                () -> new Config(LlavaModelConfig.defaults(), AdaptiveEmaConfig.defaults(), true),
                "LLaCA: LoRA + projector tuning of LLaVA with a gradient-adaptive EMA after every step (code form by"
                + " default), live weights := EMA at each task's end.");
    }

    /**
     * Configuration.
     *
     * @param model the LLaVA model and LoRA recipe
     * @param ema the adaptive EMA's switches
     * @param emaOnFirstTask whether the EMA runs on the first LoRA task too (v1 behaviour UNVERIFIED; default true)
     */
    public record Config(
            @ConfigDoc("The LLaVA model and LoRA recipe.") @JsonProperty("model") LlavaModelConfig model,
            @ConfigDoc("Adaptive EMA: convention (CODE | PAPER_FIGURE), hessianSurrogate, scale, scaleUnit, fallbackCurrentWeight.")
            @JsonProperty("ema") AdaptiveEmaConfig ema,
            @ConfigDoc("Run the EMA on the first LoRA task too.") @JsonProperty("emaOnFirstTask") Boolean emaOnFirstTask) {
        /** Fills missing parts with the defaults. */
        public Config {
            model = model == null ? LlavaModelConfig.defaults() : model;
            ema = ema == null ? AdaptiveEmaConfig.defaults() : ema;
            emaOnFirstTask = emaOnFirstTask == null ? Boolean.TRUE : emaOnFirstTask;
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new LlavaInstructionLearner(name(), LlavaInstructionLearner.Method.LLACA, config.model(),
                AdaptiveEmaUpdate.adaptive(config.ema(), context.manager()), config.emaOnFirstTask(), context);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.INSTRUCTION, Capability.STATEFUL);
    }
}
