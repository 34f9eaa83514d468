package dev.perennial.continual.mcit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.llaca.LlavaInstructionLearner;
import dev.perennial.continual.llaca.LlavaModelConfig;
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
 * {@code moe-lora}: CoIN's MoELoRA (spec mcit.md §3) on LLaVA: every decoder target layer gets E LoRA experts of
 * rank r/E (r = {@code model.loraRank}, s = {@code model.loraAlpha} / r) mixed per token by a softmax router; experts,
 * routers and the projector train on every task. CoIN routes densely with no balance term (the defaults); a top-k
 * router and a Switch-Transformer load-balancing term are extensions, off unless set.
 */
@PluginName("moe-lora")
public final class MoeLoraProvider extends AbstractPluginProvider<MoeLoraProvider.Config, Learner>
        implements LearnerProvider<MoeLoraProvider.Config> {
    /** Creates the provider. */
    public MoeLoraProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(LlavaModelConfig.defaults(), 8, 0, 0f),
                "MoELoRA (CoIN): LoRA experts mixed per token by a softmax router on LLaVA's decoder, all trained on"
                + " every task (dense routing; top-k and load balance as options).");
    }

    /**
     * Configuration.
     *
     * @param model the LLaVA model; {@code loraRank} is the total rank of the experts together
     * @param experts E (CoIN 8, MCITlib 6); divides {@code model.loraRank}
     * @param topK experts per token, 0 = all, softmax-weighted (CoIN); an extension otherwise
     * @param balanceWeight weight of the load-balancing term (extension; 0 = none, as CoIN)
     */
    public record Config(
            @ConfigDoc("The LLaVA model; loraRank is the experts' total rank, loraAlpha / loraRank the scaling.")
            @JsonProperty("model") LlavaModelConfig model,
            @ConfigDoc("Experts per layer (CoIN 8, MCITlib 6); divides model.loraRank.")
            @JsonProperty("experts") Integer experts,
            @ConfigDoc("Experts per token; 0 = dense soft routing (CoIN). Extension otherwise.")
            @JsonProperty("topK") Integer topK,
            @ConfigDoc("Weight of the Switch-Transformer load-balancing term (extension; 0 = none, as CoIN).")
            @JsonProperty("balanceWeight") Float balanceWeight) {
        /** Fills missing fields with CoIN's settings and validates. */
        public Config {
            model = model == null ? LlavaModelConfig.defaults() : model;
            experts = experts == null ? 8 : experts;
            topK = topK == null ? 0 : topK;
            balanceWeight = balanceWeight == null ? 0f : balanceWeight;
            if (experts < 1 || model.loraRank() % experts != 0) {
                throw new IllegalArgumentException("moe-lora: experts must be >= 1 and divide model.loraRank ("
                        + model.loraRank() + "), was " + experts);
            }
            if (topK < 0 || topK > experts) {
                throw new IllegalArgumentException("moe-lora: topK must be in [0, experts = " + experts
                        + "] (0 = dense), was " + topK);
            }
            if (!(balanceWeight >= 0) || !Float.isFinite(balanceWeight)) {
                throw new IllegalArgumentException("moe-lora: balanceWeight must be finite and >= 0, was "
                        + balanceWeight);
            }
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return LlavaInstructionLearner.withAdapters(name(), config.model(), new MixtureLoraScheme(name(), config),
                context);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.INSTRUCTION, Capability.STATEFUL);
    }
}
