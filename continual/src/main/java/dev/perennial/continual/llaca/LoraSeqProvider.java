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
 * {@code lora-seq}: sequential LoRA + projector tuning of LLaVA, task after task, nothing against forgetting (the
 * "LoRA fine-tune" baseline of CoIN and LLaCA).
 */
@PluginName("lora-seq")
public final class LoraSeqProvider extends AbstractPluginProvider<LoraSeqProvider.Config, Learner>
        implements LearnerProvider<LoraSeqProvider.Config> {
    /** Creates the provider. */
    public LoraSeqProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(LlavaModelConfig.defaults()),
                "Sequential LoRA + projector tuning of LLaVA (lower bound; forgets earlier tasks).");
    }

    /**
     * Configuration.
     *
     * @param model the LLaVA model and LoRA recipe
     */
    public record Config(@ConfigDoc("The LLaVA model and LoRA recipe.") @JsonProperty("model") LlavaModelConfig model) {
        /** Fills a missing model with the defaults. */
        public Config {
            model = model == null ? LlavaModelConfig.defaults() : model;
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new LlavaInstructionLearner(name(), LlavaInstructionLearner.Method.LORA_SEQ, config.model(), null,
                false, context);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.INSTRUCTION, Capability.STATEFUL);
    }
}
