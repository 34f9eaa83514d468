package dev.perennial.api.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** A linear classifier whose loss and hooks the tests can steer and observe. */
class ProbeLearner implements Learner {
    final Linear linear = Linear.builder().setUnits(4).build();
    private final ParameterStore ps;
    private final NDManager manager;
    private boolean initialized;
    /** Replaces the loss when set: (batch, step) to a scalar. */
    BiFunction<Batch, StepContext, NDArray> lossOverride;
    /** Returns NaN instead of the loss at these global steps. */
    final List<Long> nanAtSteps = new ArrayList<>();
    final List<float[]> gradientsAfterBackward = new ArrayList<>();
    final List<float[]> gradientsAfterStep = new ArrayList<>();

    ProbeLearner(NDManager manager) {
        this(manager, new ParameterStore(manager, false));
    }

    /** A probe that reads its parameters through the given store (the loop's, as PluginContext lends it). */
    ProbeLearner(NDManager manager, ParameterStore store) {
        this.manager = manager;
        this.ps = store;
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        if (!initialized) {
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            initialized = true;
        }
    }

    @Override
    public Block model() {
        return linear;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        if (nanAtSteps.contains(step.globalStep())) {
            NDArray w = linear.getParameters().get("weight").getArray();
            return LossTerms.of("ce", w.sum().mul(Float.NaN));
        }
        if (lossOverride != null) {
            return LossTerms.of("ce", lossOverride.apply(batch, step));
        }
        NDArray x = batch.input("image").reshape(batch.size(), 4);
        NDArray logits = linear.forward(ps, new NDList(x), true).singletonOrThrow();
        NDArray logp = logits.logSoftmax(1);
        NDArray y = batch.requireLabels().reshape(-1, 1);
        NDArray perSample = logp.gather(y, 1).reshape(-1).neg();
        return LossTerms.of("ce", perSample.mean()).withPerSampleLoss(perSample);
    }

    @Override
    public void afterBackward(StepContext step) {
        gradientsAfterBackward.add(linear.getParameters().get("weight").getArray().getGradient().toFloatArray());
    }

    @Override
    public void afterStep(StepContext step) {
        gradientsAfterStep.add(linear.getParameters().get("weight").getArray().getGradient().toFloatArray());
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray x = batch.input("image").reshape(batch.size(), 4);
        NDArray logits = linear.forward(ps, new NDList(x), false).singletonOrThrow();
        return Predictions.ofClasses(logits.argMax(1).toLongArray());
    }

    float[] weights() {
        return linear.getParameters().get("weight").getArray().toFloatArray();
    }
}
