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
 * {@code o-lora}: O-LoRA (Wang et al., Findings of EMNLP 2023; spec mcit.md §2) on LLaVA: a new LoRA slice per task
 * (r = {@code model.loraRank}, s = {@code model.loraAlpha} / r) on the decoder's target layers, earlier slices
 * frozen, the projector trained as in CoIN, and the loss λ₁ · Σ |A_old A_tᵀ| + λ₂ · Σ ‖·‖₂ of the new slice. The
 * defaults are the official code's (old slices in the training forward, λ₁ 0.5, λ₂ 0); MCITlib's LLaVA port is
 * {@code forwardOldAdapters: false, lambda1: 0.05}.
 */
@PluginName("o-lora")
public final class OLoraProvider extends AbstractPluginProvider<OLoraProvider.Config, Learner>
        implements LearnerProvider<OLoraProvider.Config> {
    /** Creates the provider. */
    public OLoraProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class,
                () -> new Config(LlavaModelConfig.defaults(), 0.5f, 0f, true, 0),
                "O-LoRA: a new LoRA per task on LLaVA, earlier ones frozen, orthogonality loss between the new and old"
                + " A matrices (official defaults: lambda1 0.5, lambda2 0).");
    }

    /**
     * Configuration.
     *
     * @param model the LLaVA model and the LoRA recipe of each task's slice
     * @param lambda1 λ₁, the orthogonality weight (official 0.5, MCITlib 0.05)
     * @param lambda2 λ₂, the weight of the new slice's unsquared L2 norms (official 0, MCITlib has none)
     * @param forwardOldAdapters whether training passes add the frozen earlier slices (official true, MCITlib false;
     *                           inference always adds them)
     * @param slices the number of task slices; 0 = the scenario's tasks after {@code model.fullTuneTasks}
     */
    public record Config(
            @ConfigDoc("The LLaVA model; loraRank / loraAlpha / loraTargets are each task's slice.")
            @JsonProperty("model") LlavaModelConfig model,
            @ConfigDoc("Orthogonality weight lambda1 on sum |A_old A_t^T| (official 0.5, MCITlib 0.05).")
            @JsonProperty("lambda1") Float lambda1,
            @ConfigDoc("Weight lambda2 on the new slice's unsquared L2 norms (official 0).")
            @JsonProperty("lambda2") Float lambda2,
            @ConfigDoc("Training passes add the frozen earlier slices (official true, MCITlib false).")
            @JsonProperty("forwardOldAdapters") Boolean forwardOldAdapters,
            @ConfigDoc("Task slices; 0 = the scenario's tasks after model.fullTuneTasks.")
            @JsonProperty("slices") Integer slices) {
        /** Fills missing fields with the official defaults and validates. */
        public Config {
            model = model == null ? LlavaModelConfig.defaults() : model;
            lambda1 = lambda1 == null ? 0.5f : lambda1;
            lambda2 = lambda2 == null ? 0f : lambda2;
            forwardOldAdapters = forwardOldAdapters == null ? Boolean.TRUE : forwardOldAdapters;
            slices = slices == null ? 0 : slices;
            if (!(lambda1 >= 0) || !Float.isFinite(lambda1)) {
                throw new IllegalArgumentException("o-lora: lambda1 must be finite and >= 0, was " + lambda1);
            }
            if (!(lambda2 >= 0) || !Float.isFinite(lambda2)) {
                throw new IllegalArgumentException("o-lora: lambda2 must be finite and >= 0, was " + lambda2);
            }
            if (slices < 0) {
                throw new IllegalArgumentException("o-lora: slices must be >= 0 (0 = from the scenario), was "
                        + slices);
            }
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        int slices = config.slices();
        if (slices == 0) {
            slices = context.scenario().map(s -> s.tasks().size() - config.model().fullTuneTasks())
                    .orElseThrow(() -> new IllegalArgumentException("o-lora: the scenario's task count is unknown;"
                            + " set slices to the number of tasks after model.fullTuneTasks"));
            if (slices < 1) {
                throw new IllegalArgumentException("o-lora: the scenario has no task after model.fullTuneTasks ("
                        + config.model().fullTuneTasks() + ")");
            }
        }
        return LlavaInstructionLearner.withAdapters(name(), config.model(),
                new OrthogonalLoraScheme(name(), config, slices), context);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.INSTRUCTION, Capability.STATEFUL);
    }
}
