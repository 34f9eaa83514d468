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
 * {@code coda-prompt}: attention-weighted prompt components as prefixes of a frozen ViT. See
 * {@link CodaPromptLearner}. Defaults are the CODA repository's and PILOT's released configs (prompts.md §4.3:
 * M 100, L_p 8, μ 0, blocks 0–4); the optimizer (Adam, lr 1e-3, batch 128, cosine, 20 epochs on CIFAR-100) is the
 * experiment's {@code training} section.
 */
@PluginName("coda-prompt")
public final class CodaPromptProvider extends AbstractPluginProvider<CodaPromptProvider.Config, Learner>
        implements LearnerProvider<CodaPromptProvider.Config> {
    /** Creates the provider. */
    public CodaPromptProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, Config::defaults,
                "CODA-Prompt: attention-weighted prompt components with keys, orthogonally initialised per task.");
    }

    /**
     * Configuration.
     *
     * @param backbone the pre-trained ViT
     * @param poolSize M, a multiple of the task count
     * @param promptLength L_p, even
     * @param orthoCoefficient μ
     * @param layers blocks with the prefix
     * @param trainLogitMask current-task or seen
     */
    public record Config(
            @ConfigDoc("The pre-trained ViT (checkpoint, architecture); its 'pet' setting is not used.")
            @JsonProperty("backbone") PtmBackboneConfig backbone,
            @ConfigDoc("Components M over all tasks, a multiple of the task count. Default 100.")
            @JsonProperty("poolSize") int poolSize,
            @ConfigDoc("Component length L_p, even: the first half are key prefixes, the second value prefixes. "
                    + "Default 8.") @JsonProperty("promptLength") int promptLength,
            @ConfigDoc("μ of the orthogonality penalty, >= 0. Default 0 (released configs).")
            @JsonProperty("orthoCoefficient") float orthoCoefficient,
            @ConfigDoc("Blocks with the prefix. Default [0, 1, 2, 3, 4].") @JsonProperty("layers")
            List<Integer> layers,
            @ConfigDoc("Logits of the training CE: current-task (the official codes) or seen. Default current-task.")
            @JsonProperty("trainLogitMask") String trainLogitMask) {
        /** Validates; messages name the field. */
        public Config {
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            layers = layers == null ? List.of(0, 1, 2, 3, 4) : List.copyOf(layers);
            trainLogitMask = trainLogitMask == null ? TrainLogitMask.CURRENT_TASK.configName() : trainLogitMask;
            TrainLogitMask.parse("coda-prompt", trainLogitMask);
            PromptChecks.require(poolSize >= 1, "coda-prompt: 'poolSize' must be >= 1, was " + poolSize);
            PromptChecks.require(promptLength >= 2 && promptLength % 2 == 0,
                    "coda-prompt: 'promptLength' must be even and >= 2, was " + promptLength);
            PromptChecks.require(orthoCoefficient >= 0 && Float.isFinite(orthoCoefficient),
                    "coda-prompt: 'orthoCoefficient' must be finite and >= 0, was " + orthoCoefficient);
            PromptChecks.require(!layers.isEmpty(), "coda-prompt: 'layers' must name at least one block");
        }

        /** @return the released configs' values on ViT-B/16 */
        public static Config defaults() {
            return new Config(PtmBackboneConfig.defaults(), 100, 8, 0f, List.of(0, 1, 2, 3, 4),
                    TrainLogitMask.CURRENT_TASK.configName());
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new CodaPromptLearner(config, context, name());
    }
}
