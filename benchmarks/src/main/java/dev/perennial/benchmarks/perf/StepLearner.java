package dev.perennial.benchmarks.perf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;

/**
 * {@code step-benchmark}: plain supervised training of one {@link StepWorkload} model with softmax cross-entropy
 * (term {@code ce}, honouring mixup's label mix), the loop side of the loop-overhead benchmark.
 */
final class StepLearner implements Learner {
    private final StepLearnerConfig config;
    private final PluginContext context;
    private final ParameterStore store;
    private StepWorkload.StepModel model;

    StepLearner(StepLearnerConfig config, PluginContext context) {
        this.config = config;
        this.context = context;
        this.store = new ParameterStore(context.manager(), false);
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        if (model == null) {
            // The same seed as the bare-DJL side, so both start from the same weights.
            Engine.getInstance().setRandomSeed(config.initSeed());
            model = StepWorkload.of(config.workload()).build(context.manager());
        }
    }

    @Override
    public Block model() {
        if (model == null) {
            throw new IllegalStateException("step-benchmark: model() asked before beforeTask built the model");
        }
        return model.block();
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray logits = model.logits().apply(store, batch.input("image"), true);
        return LossTerms.of("ce", SoftmaxCrossEntropy.mean(logits, batch.requireLabels(),
                batch.labelMix().map(LabelMix::secondLabels), batch.labelMix().map(LabelMix::weights)));
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray logits = model.logits().apply(store, batch.input("image"), false);
        return Predictions.ofClasses(logits.argMax(1).toLongArray());
    }
}
