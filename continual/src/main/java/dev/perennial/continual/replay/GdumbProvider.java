package dev.perennial.continual.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.net.ClassifierNet;
import dev.perennial.spi.Batch;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import dev.perennial.spi.replay.ReplayBuffer;
import dev.perennial.spi.replay.ReplayItems;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gdumb}: GDumb (Prabhu et al., ECCV 2020; specs/replay.md §5), in the loop: a greedy class-balanced memory
 * (default; {@code reservoir} is Mammoth's) receives every stream example, and the network learns only from the
 * memory: every step offers the stream batch, then trains on a draw of {@code replayBatchSize} stored examples with
 * cross-entropy over the classes seen so far (GDumb masks classes outside the label set). With
 * {@code reinitialize: every-task} (default; the paper fits a fresh network on the memory at each evaluation point)
 * the network is re-initialised before every task after the first, so each task's steps fit it from scratch on the
 * memory; {@code never} keeps training one network. Not implemented: CutMix and SGDR of the paper / Mammoth (use
 * the loop's schedule), Mammoth's single fit after the last task.
 */
@PluginName("gdumb")
public final class GdumbProvider extends RehearsalProvider<GdumbProvider.Config> {
    /** Creates the provider. */
    public GdumbProvider() {
        super(Config.class, () -> new Config(BackboneConfig.defaults(), Config.defaultMemory(), "every-task", "none"),
                "GDumb: a greedy class-balanced memory; the network learns from the memory only.");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param memory the buffer
     * @param reinitialize {@code every-task} or {@code never}
     * @param augmentation the learner's own augmentation of the draws
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
                         @ConfigDoc("The memory the network learns from; policy 'class-balanced' is GDumb's sampler.")
                         @JsonProperty("memory") MemoryConfig memory,
                         @ConfigDoc("'every-task': re-initialise the network before each task after the first and fit"
                                 + " it on the memory only (the paper); 'never': keep training one network.")
                         @JsonProperty("reinitialize") String reinitialize,
                         @ConfigDoc("Augmentation of every draw from the memory: 'none' or 'crop-flip'.")
                         @JsonProperty("augmentation") String augmentation) {
        /** Validates; fills missing parts with their defaults. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            memory = memory == null ? defaultMemory() : memory;
            if (!"every-task".equals(reinitialize) && !"never".equals(reinitialize)) {
                throw new IllegalArgumentException("reinitialize must be 'every-task' or 'never', was '" + reinitialize
                        + "'");
            }
            ReplayAugmentation.parse("augmentation", augmentation);
        }

        private static MemoryConfig defaultMemory() {
            return new MemoryConfig(200, "class-balanced", 32, false);
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new GdumbLearner(context, config);
    }

    /** The learner. */
    static final class GdumbLearner extends RehearsalLearner {
        private final Config config;
        private final ReplayAugmentation augmentation;
        private final ReplayBuffer buffer;

        GdumbLearner(PluginContext context, Config config) {
            super(context, config.backbone(), "gdumb");
            this.config = config;
            this.augmentation = ReplayAugmentation.parse("augmentation", config.augmentation());
            this.buffer = config.memory().newBuffer(context.seed());
        }

        ReplayBuffer buffer() {
            return buffer;
        }

        @Override
        protected void onBeforeTask(TaskInfo task, TaskData data) {
            if (task.index() > 0 && "every-task".equals(config.reinitialize())) {
                // A fresh network drawn from the engine's seed (the loop sets it before beforeTask), copied into the
                // learner's parameters so that the model the loop optimizes and checkpoints stays the same object.
                ClassifierNet fresh = new ClassifierNet(backboneConfig.build(), scenario.classCount());
                fresh.initialize(context.manager(), DataType.FLOAT32, inputShape);
                // A pre-trained backbone (ptm-vit) restarts from its checkpoint, not from random weights.
                backboneConfig.prepare(fresh.backbone(), "gdumb");
                List<Parameter> from = fresh.getParameters().values();
                List<Parameter> to = net.getParameters().values();
                for (int i = 0; i < from.size(); i++) {
                    from.get(i).getArray().copyTo(to.get(i).getArray());
                    from.get(i).getArray().close();
                }
            }
        }

        @Override
        public LossTerms loss(Batch batch, StepContext step) {
            checkedLabels(batch.requireLabels());
            if (!config.memory().offerOncePerTask() || step.epoch() == 0) {
                buffer.offerAll(ReplayItems.fromBatch(batch, List.of("image"), Optional.empty()));
            }
            ReplayItems.Draw draw = ReplayItems.toBatch(buffer.items(buffer.sample(config.memory().replayBatchSize(),
                    step.seed(), 0)), step.manager(), batch.task());
            NDArray x = augmentation.apply(draw.batch().input("image"), derive(step.seed(), 2));
            NDArray logits = masked(forward(x, true).get(1), seenClasses());
            NDArray ce = crossEntropy(logits, draw.batch().requireLabels(), Optional.empty()).mean();
            return LossTerms.of("ce", ce);
        }

        @Override
        protected void saveExtra(Map<String, Object> values, Map<String, NDArray> tensors, NDManager manager) {
            buffer.write("buffer/", values, tensors, manager);
        }

        @Override
        protected void loadExtra(PluginState state) {
            buffer.read("buffer/", state);
        }
    }
}
