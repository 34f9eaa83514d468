package dev.perennial.benchmarks.perf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.perennial.api.loop.SgdMomentum;
import dev.perennial.api.loop.TrainableParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Side (a) of the loop-overhead benchmark: the training step written directly against DJL, as a user would without
 * Perennial. Per step, inside an {@link NDScope} and a sub-manager: the host batch copied into arrays, forward,
 * cross-entropy, backward in one gradient collector, the loss read back, the loop's own SGD-with-momentum update
 * ({@link SgdMomentum}, the optimizer the shared loop uses), and the gradients zeroed the way DJL's
 * {@code GradientCollector.zeroGradients} does ({@code g −= g}). No augmentation, no NaN guard, no events.
 *
 * <p>Steps can run as a plain loop ({@link #run}) or one at a time ({@link #step}), which lets the benchmark
 * alternate them with the shared loop's steps so both sides see the same machine load.
 */
final class BareDjlSteps implements AutoCloseable {
    private final Engine engine = Engine.getInstance();
    private final StepWorkload workload;
    private final int batch;
    private final HostTensors pool;
    private final double learningRate;
    private final long[] shape;
    private final NDManager root;
    private final StepWorkload.StepModel model;
    private final ParameterStore store;
    private final List<TrainableParameter> params = new ArrayList<>();
    private final SgdMomentum optimizer;

    /**
     * Builds the model (engine seed 0, as the loop side's learner) and the optimizer.
     *
     * @param workload the model
     * @param batch the batch size
     * @param pool the inputs (example {@code i} is {@code pool.sample(i)}, label {@code i mod 10})
     * @param learningRate the SGD learning rate
     * @param momentum the SGD momentum
     */
    BareDjlSteps(StepWorkload workload, int batch, HostTensors pool, double learningRate, double momentum) {
        this.workload = workload;
        this.batch = batch;
        this.pool = pool;
        this.learningRate = learningRate;
        this.shape = new long[workload.sampleShape().length + 1];
        shape[0] = batch;
        System.arraycopy(workload.sampleShape(), 0, shape, 1, shape.length - 1);
        this.root = NDManager.newBaseManager();
        engine.setRandomSeed(0);
        this.model = workload.build(root);
        this.store = new ParameterStore(root, false);
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(new TrainableParameter(p.getKey(), p.getValue(), "default", 1.0, 0.0));
            }
        }
        this.optimizer = new SgdMomentum(root, momentum, false);
    }

    /**
     * Trains {@code warmup + steps} steps in a plain loop and times the last {@code steps}.
     *
     * @param workload the model
     * @param batch the batch size
     * @param warmup untimed steps first
     * @param steps timed steps
     * @param pool the inputs
     * @param learningRate the SGD learning rate
     * @param momentum the SGD momentum
     * @return the timings
     */
    static StepTimes run(StepWorkload workload, int batch, int warmup, int steps, HostTensors pool,
                         double learningRate, double momentum) {
        double[] seconds = new double[steps];
        try (BareDjlSteps bare = new BareDjlSteps(workload, batch, pool, learningRate, momentum)) {
            for (int s = 0; s < warmup + steps; s++) {
                double t = bare.step(s);
                if (s >= warmup) {
                    seconds[s - warmup] = t;
                }
            }
        }
        return new StepTimes("bare-djl", workload.id(), batch, seconds);
    }

    /**
     * One training step on batch {@code s} (examples {@code s·B … s·B + B − 1}).
     *
     * @param s the step index
     * @return its wall-clock seconds, from the host batch to the zeroed gradients
     */
    double step(int s) {
        // The host batch is ready before the clock starts: the loop collates it on a worker thread.
        float[] input = pool.batch(s * batch, batch, workload.sampleSize());
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = HostTensors.label(s * batch + i);
        }
        long start = System.nanoTime();
        try (NDScope scope = new NDScope(); NDManager step = root.newSubManager()) {
            NDArray x = step.create(input, new Shape(shape));
            NDArray y = step.create(labels);
            NDArray loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                loss = SoftmaxCrossEntropy.mean(model.logits().apply(store, x, true), y, Optional.empty(),
                        Optional.empty());
                collector.backward(loss);
            }
            if (!Float.isFinite(loss.getFloat())) {
                throw new IllegalStateException("bare DJL " + workload.id() + ": loss not finite at step " + s);
            }
            for (TrainableParameter p : params) {
                optimizer.update(p, p.parameter().getArray().getGradient(), learningRate);
            }
            optimizer.endStep();
            for (TrainableParameter p : params) {
                NDArray g = p.parameter().getArray().getGradient();
                g.subi(g);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
        optimizer.close();
        root.close();
    }
}
