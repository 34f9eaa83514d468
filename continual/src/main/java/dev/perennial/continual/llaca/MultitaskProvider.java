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
 * {@code multitask}: the joint upper bound, LoRA + projector tuning on every task's data at once. The shared loop
 * is sequential, so the joint training is realised by the scenario: run it with {@code scenario: instruction}
 * and {@code joint: true}, which puts every task's training and test data into ONE task ({@code jointFrom: 1}
 * keeps a base task, trained first with {@code fullTuneTasks: 1}, separate). The learner refuses a
 * scenario with more than {@code fullTuneTasks + 1} tasks, so it never silently becomes sequential tuning. Its
 * accuracy is the joint test accuracy; per-task upper bounds come from evaluating the same checkpoint on each
 * task.
 */
@PluginName("multitask")
public final class MultitaskProvider extends AbstractPluginProvider<MultitaskProvider.Config, Learner>
        implements LearnerProvider<MultitaskProvider.Config> {
    /** Creates the provider. */
    public MultitaskProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(LlavaModelConfig.defaults()),
                "Joint LoRA + projector tuning on all tasks at once (upper bound); needs scenario instruction with"
                + " joint: true.");
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
        context.scenario().ifPresent(s -> {
            int allowed = config.model().fullTuneTasks() + 1;
            if (s.tasks().size() > allowed) {
                throw new IllegalArgumentException("learner 'multitask' trains every task jointly, but scenario "
                        + s.name() + " has " + s.tasks().size() + " tasks (at most " + allowed + " allowed with"
                        + " fullTuneTasks " + config.model().fullTuneTasks() + "); use scenario 'instruction' with"
                        + " joint: true");
            }
        });
        return new LlavaInstructionLearner(name(), LlavaInstructionLearner.Method.MULTITASK, config.model(), null,
                false, context);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.INSTRUCTION, Capability.STATEFUL);
    }
}
