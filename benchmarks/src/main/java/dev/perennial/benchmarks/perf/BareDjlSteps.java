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
 */
final class BareDjlSteps {
    private BareDjlSteps() {}

    /**
     * Trains {@code warmup + steps} steps and times the last {@code steps}.
     *
     * @param workload the model
     * @param batch the batch size
     * @param warmup untimed steps first
     * @param steps timed steps
     * @param pool the inputs (example {@code i} is {@code pool.sample(i)}, label {@code i mod 10})
     * @param learningRate the SGD learning rate
     * @param momentum the SGD momentum
     * @return the timings
     */
    static StepTimes run(StepWorkload workload, int batch, int warmup, int steps, HostTensors pool,
                         double learningRate, double momentum) {
        Engine engine = Engine.getInstance();
        int size = workload.sampleSize();
        long[] shape = new long[workload.sampleShape().length + 1];
        shape[0] = batch;
        System.arraycopy(workload.sampleShape(), 0, shape, 1, shape.length - 1);
        // Host batches are ready before the clock starts: the loop collates them on a worker thread.
        List<float[]> inputs = new ArrayList<>();
        List<long[]> labels = new ArrayList<>();
        for (int s = 0; s < warmup + steps; s++) {
            inputs.add(pool.batch(s * batch, batch, size));
            long[] y = new long[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = HostTensors.label(s * batch + i);
            }
            labels.add(y);
        }
        double[] seconds = new double[steps];
        try (NDManager root = NDManager.newBaseManager()) {
            engine.setRandomSeed(0);
            StepWorkload.StepModel model = workload.build(root);
            ParameterStore store = new ParameterStore(root, false);
            List<TrainableParameter> params = new ArrayList<>();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    params.add(new TrainableParameter(p.getKey(), p.getValue(), "default", 1.0, 0.0));
                }
            }
            try (SgdMomentum optimizer = new SgdMomentum(root, momentum, false)) {
                for (int s = 0; s < warmup + steps; s++) {
                    long start = System.nanoTime();
                    try (NDScope scope = new NDScope(); NDManager step = root.newSubManager()) {
                        NDArray x = step.create(inputs.get(s), new Shape(shape));
                        NDArray y = step.create(labels.get(s));
                        NDArray loss;
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            loss = SoftmaxCrossEntropy.mean(model.logits().apply(store, x, true), y,
                                    Optional.empty(), Optional.empty());
                            collector.backward(loss);
                        }
                        if (!Float.isFinite(loss.getFloat())) {
                            throw new IllegalStateException("bare DJL " + workload.id() + ": loss not finite at step "
                                    + s);
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
                    if (s >= warmup) {
                        seconds[s - warmup] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
        }
        return new StepTimes("bare-djl", workload.id(), batch, seconds);
    }
}
