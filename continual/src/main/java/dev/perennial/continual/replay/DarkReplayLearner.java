package dev.perennial.continual.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.replay.ReplayBuffer;
import dev.perennial.spi.replay.ReplayItems;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dark experience replay (Buzzega et al., NeurIPS 2020, arXiv:2004.07211; Mammoth {@code models/der.py},
 * {@code models/derpp.py}; specs/replay.md §4):
 * <pre>
 * DER:    L = CE(f(x), y) + α · MSE(f(x'), z')
 * DER++:  L = CE(f(x), y) + α · MSE(f(x'), z') + β · CE(f(x''), y'')
 * </pre>
 * (x', z') and (x'', y'') are two independent draws of B_m stored items (each without replacement), each
 * augmented on the fly; z' are the logits recorded when the item was stored: the network's output on the
 * augmented stream batch of that step, detached, never refreshed. MSE is the mean over batch and all C units of
 * raw logits; every term spans all C units. The replay terms are absent while the buffer is empty. The terms are
 * {@code ce}, {@code der-logits} (α included) and {@code der-labels} (β included).
 */
final class DarkReplayLearner extends RehearsalLearner {
    private final MemoryConfig memory;
    private final ReplayAugmentation augmentation;
    private final float alpha;
    private final float beta;
    private final ReplayBuffer buffer;

    DarkReplayLearner(PluginContext context, BackboneConfig backbone, MemoryConfig memory, String augmentation,
                      double alpha, double beta, String pluginName) {
        super(context, backbone, pluginName);
        this.memory = memory;
        this.augmentation = ReplayAugmentation.parse("augmentation", augmentation);
        this.alpha = (float) alpha;
        this.beta = (float) beta;
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
        checkedLabels(batch.requireLabels());
        NDArray x = augmentation.apply(batch.input("image"), derive(step.seed(), 1));
        NDList out = forward(x, true);
        NDArray logits = out.get(1);
        NDArray perSample = crossEntropy(logits, batch.requireLabels(), batch.labelMix());
        LossTerms terms = LossTerms.of("ce", perSample.mean());
        if (!buffer.isEmpty()) {
            ReplayItems.Draw first = draw(step, 0);
            NDArray z = forward(augmentation.apply(first.batch().input("image"), derive(step.seed(), 2)), true)
                    .get(1);
            terms = terms.and("der-logits", Scalars.mul(logitMse(z, first.logits().orElseThrow()), alpha));
            if (beta > 0) {
                ReplayItems.Draw second = draw(step, 1);
                NDArray z2 = forward(augmentation.apply(second.batch().input("image"), derive(step.seed(), 3)),
                        true).get(1);
                NDArray ce2 = crossEntropy(z2, second.batch().requireLabels(), Optional.empty()).mean();
                terms = terms.and("der-labels", Scalars.mul(ce2, beta));
            }
        }
        if (!memory.offerOncePerTask() || step.epoch() == 0) {
            buffer.offerAll(ReplayItems.fromBatch(batch, List.of("image"), Optional.of(logits.stopGradient())));
        }
        return terms.withOutput("features", out.get(0)).withOutput("logits", logits).withPerSampleLoss(perSample);
    }

    private ReplayItems.Draw draw(StepContext step, int which) {
        return ReplayItems.toBatch(buffer.items(buffer.sample(memory.replayBatchSize(), step.seed(), which)),
                step.manager(), step.task());
    }

    /**
     * DER's logit term before α: {@code mean over rows and units of (z − z_stored)²} ({@code F.mse_loss}).
     *
     * @param logits current logits of the replayed items (n, C)
     * @param stored the logits recorded at insertion (n, C)
     * @return the scalar
     */
    static NDArray logitMse(NDArray logits, NDArray stored) {
        return logits.sub(stored).square().mean();
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
