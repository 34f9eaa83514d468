package dev.perennial.benchmarks.perf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Profiles, one at a time on a workload's real parameters and gradients, the per-step operations the shared loop
 * performs beyond a bare DJL step, and the cheaper alternatives considered for each: the NaN/Inf guard's gradient
 * norm, gradient zeroing, the engine seed, the host-to-array copy. Prints the median milliseconds of each over
 * {@code repeats} runs next to the median of a whole bare step, so each cost reads as a share of the step.
 *
 * <p>Usage: {@code LoopStepCosts [workload=resnet18_cifar] [batch=32] [repeats=7]}
 */
public final class LoopStepCosts {
    private LoopStepCosts() {}

    /**
     * Entry point.
     *
     * @param args workload, batch, repeats
     */
    public static void main(String[] args) {
        StepWorkload workload = StepWorkload.of(args.length > 0 ? args[0] : "resnet18_cifar");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : workload.defaultBatch();
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        Engine engine = Engine.getInstance();
        HostTensors pool = new HostTensors(workload, 64, 11);
        long[] shape = new long[workload.sampleShape().length + 1];
        shape[0] = batch;
        System.arraycopy(workload.sampleShape(), 0, shape, 1, shape.length - 1);
        float[] host = pool.batch(0, batch, workload.sampleSize());
        long[] labels = new long[batch];
        try (NDManager root = NDManager.newBaseManager()) {
            engine.setRandomSeed(0);
            StepWorkload.StepModel model = workload.build(root);
            ParameterStore store = new ParameterStore(root, false);
            List<Parameter> params = new ArrayList<>();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    params.add(p.getValue());
                }
            }
            long count = params.stream().mapToLong(p -> p.getArray().size()).sum();
            Consumer<NDManager> step = m -> {
                NDArray x = m.create(host, new Shape(shape));
                try (GradientCollector c = engine.newGradientCollector()) {
                    c.backward(SoftmaxCrossEntropy.mean(model.logits().apply(store, x, true), m.create(labels),
                            Optional.empty(), Optional.empty()));
                }
            };
            System.out.printf(Locale.ROOT, "%s batch %d, %d trainable tensors, %,d parameters; median of %d%n",
                    workload.id(), batch, params.size(), count, repeats);
            row("forward + backward (gradients accumulate)", time(root, repeats, step));
            row("host batch -> array (create float[])", time(root, repeats, m -> m.create(host, new Shape(shape))));
            row("engine.setRandomSeed", time(root, repeats, m -> engine.setRandomSeed(12345)));
            row("grad norm: sum of g.square().sum(), one sync", time(root, repeats, m -> {
                NDArray total = null;
                for (Parameter p : params) {
                    NDArray s = p.getArray().getGradient().square().sum();
                    total = total == null ? s : total.add(s);
                }
                total.toType(DataType.FLOAT64, false).getDouble();
            }));
            row("grad norm: per tensor norm(), stacked, one sync", time(root, repeats, m -> {
                NDArray[] norms = new NDArray[params.size()];
                for (int i = 0; i < norms.length; i++) {
                    norms[i] = params.get(i).getArray().getGradient().norm();
                }
                ai.djl.ndarray.NDArrays.stack(new ai.djl.ndarray.NDList(norms)).norm()
                        .toType(DataType.FLOAT64, false).getDouble();
            }));
            row("grad norm: flattened dot(g, g), one sync", time(root, repeats, m -> {
                NDArray total = null;
                for (Parameter p : params) {
                    NDArray g = p.getArray().getGradient().reshape(-1);
                    NDArray s = g.dot(g);
                    total = total == null ? s : total.add(s);
                }
                total.toType(DataType.FLOAT64, false).getDouble();
            }));
            NDIndex all = new NDIndex("...");
            row("zero grads: set(\"...\", 0)", time(root, repeats, m -> params.forEach(p ->
                    p.getArray().getGradient().set(all, 0f))));
            row("zero grads: g.subi(g)", time(root, repeats, m -> params.forEach(p -> {
                NDArray g = p.getArray().getGradient();
                g.subi(g);
            })));
            row("zero grads: g.muli(0)", time(root, repeats, m -> params.forEach(p ->
                    p.getArray().getGradient().muli(0f))));
        }
    }

    private static double time(NDManager root, int repeats, Consumer<NDManager> op) {
        double[] ms = new double[repeats];
        for (int r = -1; r < repeats; r++) {
            long start = System.nanoTime();
            try (NDScope scope = new NDScope(); NDManager m = root.newSubManager()) {
                op.accept(m);
            }
            if (r >= 0) {
                ms[r] = (System.nanoTime() - start) / 1e6;
            }
        }
        return GemmThroughput.median(ms);
    }

    private static void row(String what, double ms) {
        System.out.printf(Locale.ROOT, "  %-50s %10.3f ms%n", what, ms);
    }
}
