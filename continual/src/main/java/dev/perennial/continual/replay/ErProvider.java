package dev.perennial.continual.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.replay.ReplayBuffer;
import dev.perennial.spi.replay.ReplayItems;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code er}: experience replay with a bounded buffer (Chaudhry et al. 2019, arXiv:1902.10486; Mammoth
 * {@code models/er.py}). Each step draws B_m stored examples without replacement, concatenates them to the stream
 * batch and takes one cross-entropy (mean) over the concatenation and all C head units,
 * {@code L = CE(f([x; x_m]), [y; y_m])} (specs/replay.md §2.2); then the stream examples are offered to the
 * buffer (reservoir by default). Replay starts as soon as the buffer holds anything, inside the first task.
 */
@PluginName("er")
public final class ErProvider extends RehearsalProvider<ErProvider.Config> {
    /** Creates the provider. */
    public ErProvider() {
        super(Config.class, () -> new Config(BackboneConfig.defaults(), MemoryConfig.defaults(), "none"),
                "Experience replay: a reservoir (or class-balanced) buffer replayed in every batch.");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param memory the buffer
     * @param augmentation the learner's own augmentation of stream and replayed images
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
                         @ConfigDoc("The replay buffer.") @JsonProperty("memory") MemoryConfig memory,
                         @ConfigDoc("Augmentation the learner applies to the stream batch and to every replayed draw:"
                                 + " 'none' or 'crop-flip' (pad 4, random crop, horizontal flip).")
                         @JsonProperty("augmentation") String augmentation) {
        /** Validates; fills missing parts with their defaults. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            memory = memory == null ? MemoryConfig.defaults() : memory;
            ReplayAugmentation.parse("augmentation", augmentation);
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new ErLearner(context, config);
    }

    /** The learner. */
    static final class ErLearner extends RehearsalLearner {
        private final MemoryConfig memory;
        private final ReplayAugmentation augmentation;
        private final ReplayBuffer buffer;

        ErLearner(PluginContext context, Config config) {
            super(context, config.backbone(), "er");
            this.memory = config.memory();
            this.augmentation = ReplayAugmentation.parse("augmentation", config.augmentation());
            this.buffer = memory.newBuffer(context.seed());
        }

        /**
         * The buffer, for tests.
         *
         * @return the buffer
         */
        ReplayBuffer buffer() {
            return buffer;
        }

        @Override
        public LossTerms loss(Batch batch, StepContext step) {
            NDArray images = batch.input("image");
            checkedLabels(batch.requireLabels());
            NDArray x = augmentation.apply(images, derive(step.seed(), 1));
            int b = batch.size();
            NDArray all = x;
            NDArray replayLabels = null;
            if (!buffer.isEmpty()) {
                ReplayItems.Draw draw = ReplayItems.toBatch(buffer.items(buffer.sample(memory.replayBatchSize(),
                        step.seed(), 0)), step.manager(), batch.task());
                NDArray xm = augmentation.apply(draw.batch().input("image"), derive(step.seed(), 2));
                all = NDArrays.concat(new NDList(x, xm));
                replayLabels = draw.batch().requireLabels();
            }
            NDList out = forward(all, true);
            NDArray logits = out.get(1);
            NDArray streamLogits = rows(logits, 0, b);
            NDArray perSample = crossEntropy(streamLogits, batch.requireLabels(), batch.labelMix());
            NDArray sum = perSample.sum();
            long n = b;
            if (replayLabels != null) {
                NDArray replayLogits = rows(logits, b, logits.getShape().get(0));
                sum = sum.add(crossEntropy(replayLogits, replayLabels, Optional.empty()).sum());
                n += replayLabels.getShape().get(0);
            }
            NDArray ce = Scalars.div(sum, (float) n);
            if (!memory.offerOncePerTask() || step.epoch() == 0) {
                buffer.offerAll(ReplayItems.fromBatch(batch, List.of("image"), Optional.empty()));
            }
            return LossTerms.of("ce", ce)
                    .withOutput("features", rows(out.get(0), 0, b))
                    .withOutput("logits", streamLogits)
                    .withPerSampleLoss(perSample);
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
