package dev.perennial.continual.prompt;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.List;
import java.util.Set;

/**
 * {@code dualprompt}: a shared G-prompt and task-keyed E-prompts as prefixes of a frozen ViT. See
 * {@link DualPromptLearner}. Defaults follow LAMDA-PILOT's {@code dualprompt.json} (prompts.md §3.3); the optimizer
 * (PILOT: Adam, lr 0.001, batch 24, 5 epochs) is the experiment's {@code training} section.
 */
@PluginName("dualprompt")
public final class DualPromptProvider extends AbstractPluginProvider<DualPromptProvider.Config, Learner>
        implements LearnerProvider<DualPromptProvider.Config> {
    /** Creates the provider. */
    public DualPromptProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, Config::defaults,
                "DualPrompt: a shared G-prompt and task-keyed E-prompts as attention prefixes of a frozen ViT.");
    }

    /**
     * Configuration.
     *
     * @param backbone the pre-trained ViT
     * @param gLength L_g
     * @param gLayers blocks of the G-prompt
     * @param eLength L_e
     * @param eLayers blocks of the E-prompts
     * @param pullCoefficient λ
     * @param batchwisePrompt batch-wise E-prompt choice at test
     * @param sharedPromptPool E-prompt t starts from E-prompt t−1
     * @param sharedPromptKey key t starts from key t−1
     * @param initLow lower bound of the uniform init
     * @param initHigh upper bound
     * @param trainLogitMask current-task or seen
     */
    public record Config(
            @ConfigDoc("The pre-trained ViT (checkpoint, architecture); its 'pet' setting is not used.")
            @JsonProperty("backbone") PtmBackboneConfig backbone,
            @ConfigDoc("G-prompt length L_g (key and value prefix each), >= 1. Default 5.") @JsonProperty("gLength")
            int gLength,
            @ConfigDoc("Blocks with the G-prompt prefix. Default [0, 1].") @JsonProperty("gLayers")
            List<Integer> gLayers,
            @ConfigDoc("E-prompt length L_e (key and value prefix each), >= 1. Default 5 (JAX ImageNet-R: 20).")
            @JsonProperty("eLength") int eLength,
            @ConfigDoc("Blocks with the E-prompt prefix. Default [2, 3, 4].") @JsonProperty("eLayers")
            List<Integer> eLayers,
            @ConfigDoc("λ of the key loss −λ·mean cos(q, k_t), >= 0. Default 0.1 (PILOT; JAX: 1.0).")
            @JsonProperty("pullCoefficient") float pullCoefficient,
            @ConfigDoc("At test, use the batch's most frequent E-prompt for every sample. Default true.")
            @JsonProperty("batchwisePrompt") boolean batchwisePrompt,
            @ConfigDoc("E-prompt t starts as a copy of E-prompt t-1. Default true.") @JsonProperty("sharedPromptPool")
            boolean sharedPromptPool,
            @ConfigDoc("Key t starts as a copy of key t-1. Default false.") @JsonProperty("sharedPromptKey")
            boolean sharedPromptKey,
            @ConfigDoc("Lower bound of the uniform init of prompts and keys. Default -1 (PILOT).")
            @JsonProperty("initLow") float initLow,
            @ConfigDoc("Upper bound of the uniform init. Default 1 (PILOT).") @JsonProperty("initHigh") float initHigh,
            @ConfigDoc("Logits of the training CE: current-task (the official codes) or seen. Default current-task.")
            @JsonProperty("trainLogitMask") String trainLogitMask) {
        /** Validates; messages name the field. */
        public Config {
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            gLayers = gLayers == null ? List.of(0, 1) : List.copyOf(gLayers);
            eLayers = eLayers == null ? List.of(2, 3, 4) : List.copyOf(eLayers);
            trainLogitMask = trainLogitMask == null ? TrainLogitMask.CURRENT_TASK.configName() : trainLogitMask;
            TrainLogitMask.parse("dualprompt", trainLogitMask);
            PromptChecks.require(gLength >= 1, "dualprompt: 'gLength' must be >= 1, was " + gLength);
            PromptChecks.require(eLength >= 1, "dualprompt: 'eLength' must be >= 1, was " + eLength);
            PromptChecks.require(!eLayers.isEmpty(), "dualprompt: 'eLayers' must name at least one block");
            PromptChecks.require(pullCoefficient >= 0 && Float.isFinite(pullCoefficient),
                    "dualprompt: 'pullCoefficient' must be finite and >= 0, was " + pullCoefficient);
            PromptChecks.require(initLow < initHigh, "dualprompt: 'initLow' (" + initLow
                    + ") must be below 'initHigh' (" + initHigh + ")");
        }

        /** @return PILOT's {@code dualprompt.json} values on ViT-B/16 */
        public static Config defaults() {
            return new Config(PtmBackboneConfig.defaults(), 5, List.of(0, 1), 5, List.of(2, 3, 4), 0.1f, true, true,
                    false, -1f, 1f, TrainLogitMask.CURRENT_TASK.configName());
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new DualPromptLearner(config, context, name());
    }
}
