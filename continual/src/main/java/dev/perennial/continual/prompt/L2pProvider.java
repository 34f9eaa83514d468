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
import java.util.Set;

/**
 * {@code l2p}: Learning to Prompt, a keyed prompt pool prepended at the input of a frozen ViT. See {@link L2pLearner}.
 * Defaults follow LAMDA-PILOT's {@code l2p.json} (prompts.md §2.3), whose backbone (timm {@code
 * vit_base_patch16_224}) and protocol match the SAFE benchmark; the optimizer (PILOT: Adam, lr 0.001875, batch 16,
 * 5 epochs per task) is the experiment's {@code training} section.
 */
@PluginName("l2p")
public final class L2pProvider extends AbstractPluginProvider<L2pProvider.Config, Learner>
        implements LearnerProvider<L2pProvider.Config> {
    /** Creates the provider. */
    public L2pProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, Config::defaults,
                "L2P: a keyed prompt pool; the top-N prompts by query-key cosine are prepended to a frozen ViT.");
    }

    /**
     * Configuration.
     *
     * @param backbone the pre-trained ViT
     * @param poolSize M
     * @param promptLength L_p
     * @param topN N
     * @param pullCoefficient λ
     * @param batchwisePrompt batch-wise selection (train and test)
     * @param initLow lower bound of the uniform prompt and key initialisation
     * @param initHigh upper bound
     * @param trainLogitMask current-task or seen
     */
    public record Config(
            @ConfigDoc("The pre-trained ViT (checkpoint, architecture); its 'pet' setting is not used.")
            @JsonProperty("backbone") PtmBackboneConfig backbone,
            @ConfigDoc("Prompt pool size M, >= 1. Default 10.") @JsonProperty("poolSize") int poolSize,
            @ConfigDoc("Tokens per prompt L_p, >= 1. Default 5.") @JsonProperty("promptLength") int promptLength,
            @ConfigDoc("Prompts selected per input N, in 1..poolSize. Default 5.") @JsonProperty("topN") int topN,
            @ConfigDoc("λ of the surrogate key loss −λ·Σcos/B, >= 0. Default 0.1.") @JsonProperty("pullCoefficient")
            float pullCoefficient,
            @ConfigDoc("Use the batch's N most frequent prompts for every sample, in training and at test (the "
                    + "official code). Default true.") @JsonProperty("batchwisePrompt") boolean batchwisePrompt,
            @ConfigDoc("Lower bound of the uniform init of prompts and keys. Default -1 (PILOT; JAX: 0).")
            @JsonProperty("initLow") float initLow,
            @ConfigDoc("Upper bound of the uniform init. Default 1 (PILOT; JAX: 0.01).") @JsonProperty("initHigh")
            float initHigh,
            @ConfigDoc("Logits of the training CE: current-task (the official codes) or seen. Default current-task.")
            @JsonProperty("trainLogitMask") String trainLogitMask) {
        /** Validates; messages name the field. */
        public Config {
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            trainLogitMask = trainLogitMask == null ? TrainLogitMask.CURRENT_TASK.configName() : trainLogitMask;
            TrainLogitMask.parse("l2p", trainLogitMask);
            PromptChecks.require(poolSize >= 1, "l2p: 'poolSize' must be >= 1, was " + poolSize);
            PromptChecks.require(promptLength >= 1, "l2p: 'promptLength' must be >= 1, was " + promptLength);
            PromptChecks.require(topN >= 1 && topN <= poolSize, "l2p: 'topN' must be in 1..poolSize (" + poolSize
                    + "), was " + topN);
            PromptChecks.require(pullCoefficient >= 0 && Float.isFinite(pullCoefficient),
                    "l2p: 'pullCoefficient' must be finite and >= 0, was " + pullCoefficient);
            PromptChecks.require(initLow < initHigh, "l2p: 'initLow' (" + initLow + ") must be below 'initHigh' ("
                    + initHigh + ")");
        }

        /** @return PILOT's {@code l2p.json} values on ViT-B/16 */
        public static Config defaults() {
            return new Config(PtmBackboneConfig.defaults(), 10, 5, 5, 0.1f, true, -1f, 1f,
                    TrainLogitMask.CURRENT_TASK.configName());
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new L2pLearner(config, context, name());
    }
}
