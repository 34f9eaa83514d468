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
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p>Usage: {@code LoopStepCosts [workload=resnet18_cifar] [batch=32] [repeats=15]}
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
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 15;
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
            System.out.printf(Locale.ROOT, "%s batch %d, %d trainable tensors, %,d parameters; median of %d,"
                    + " variants interleaved%n", workload.id(), batch, params.size(), count, repeats);
            NDIndex all = new NDIndex("...");
            Map<String, Consumer<NDManager>> ops = new LinkedHashMap<>();
            ops.put("forward + backward (gradients accumulate)", step);
            ops.put("host batch -> array (create float[])", m -> m.create(host, new Shape(shape)));
            ops.put("engine.setRandomSeed", m -> engine.setRandomSeed(12345));
            ops.put("grad norm: sum of g.square().sum(), one sync", m -> {
                NDArray total = null;
                for (Parameter p : params) {
                    NDArray s = p.getArray().getGradient().square().sum();
                    total = total == null ? s : total.add(s);
                }
                total.toType(DataType.FLOAT64, false).getDouble();
            });
            ops.put("grad norm: per tensor norm(), stacked, one sync", m -> {
                NDArray[] norms = new NDArray[params.size()];
                for (int i = 0; i < norms.length; i++) {
                    norms[i] = params.get(i).getArray().getGradient().norm();
                }
                NDArrays.stack(new NDList(norms)).norm().toType(DataType.FLOAT64, false).getDouble();
            });
            ops.put("grad norm: flattened dot(g, g), concat, one sum, one sync", m -> {
                NDArray[] squares = new NDArray[params.size()];
                for (int i = 0; i < squares.length; i++) {
                    NDArray g = params.get(i).getArray().getGradient().reshape(-1);
                    squares[i] = g.dot(g).reshape(1);
                }
                NDArrays.concat(new NDList(squares)).sum().toType(DataType.FLOAT64, false).getDouble();
            });
            ops.put("zero grads: set(\"...\", 0)", m -> params.forEach(p -> p.getArray().getGradient().set(all, 0f)));
            ops.put("zero grads: g.subi(g)", m -> params.forEach(p -> {
                NDArray g = p.getArray().getGradient();
                g.subi(g);
            }));
            ops.put("zero grads: g.muli(0)", m -> params.forEach(p -> p.getArray().getGradient().muli(0f)));
            List<String> names = new ArrayList<>(ops.keySet());
            double[][] ms = new double[names.size()][repeats];
            // Every round runs every operation once, starting at a different one, so load drifts hit all alike.
            for (int r = -1; r < repeats; r++) {
                for (int k = 0; k < names.size(); k++) {
                    int i = (k + Math.max(r, 0)) % names.size();
                    long start = System.nanoTime();
                    try (NDScope scope = new NDScope(); NDManager m = root.newSubManager()) {
                        ops.get(names.get(i)).accept(m);
                    }
                    if (r >= 0) {
                        ms[i][r] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            for (int i = 0; i < names.size(); i++) {
                System.out.printf(Locale.ROOT, "  %-58s %10.3f ms%n", names.get(i), GemmThroughput.median(ms[i]));
            }
        }
    }

}
