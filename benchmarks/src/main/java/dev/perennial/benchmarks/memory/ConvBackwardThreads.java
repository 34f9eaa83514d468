package dev.perennial.benchmarks.memory;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How often libtorch's CPU backward pass through stacked convolutions returns non-finite gradients, per intra-op
 * thread count and network shape, over the same seeded batches: the measurement behind the loop's
 * {@code CpuKernelCheck}. The environment of the JVM is printed (ONEDNN_MAX_CPU_ISA, MKL_NUM_THREADS and
 * OMP_NUM_THREADS change the kernels libtorch picks; set them when starting the program to compare).
 *
 * <p>Usage: {@code bin/benchmark memory.ConvBackwardThreads [steps=300] [json=benchmarks/results/conv-threads.json]}
 */
public final class ConvBackwardThreads {
    private ConvBackwardThreads() {}

    /**
     * Entry point.
     *
     * @param args steps, JSON output path
     * @throws Exception when the engine's thread count cannot be set or the JSON cannot be written
     */
    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path json = Path.of(args.length > 1 ? args[1] : "benchmarks/results/conv-threads.json");
        Engine.getInstance();
        Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
        int configured = (Integer) jni.getMethod("getNumThreads").invoke(null);
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : List.of("ONEDNN_MAX_CPU_ISA", "MKL_NUM_THREADS", "OMP_NUM_THREADS")) {
            env.put(k, System.getenv().getOrDefault(k, "(unset)"));
        }
        System.out.println("environment: " + env + "; libtorch intra-op threads at start: " + configured);
        System.out.printf(Locale.ROOT, "%-28s %8s %10s %18s %18s%n", "network", "threads", "steps", "non-finite grads",
                "wrong grads");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String net : List.of("conv", "conv-relu-pool", "conv-conv", "conv-relu-pool-conv")) {
            for (int threads : new int[] {1, 2}) {
                int[] bad = count(net, steps, threads, jni);
                System.out.printf(Locale.ROOT, "%-28s %8d %10d %18d %18d%n", net, threads, steps, bad[0], bad[1]);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("network", net);
                row.put("threads", threads);
                row.put("steps", steps);
                row.put("nonFinite", bad[0]);
                row.put("wrong", bad[1]);
                rows.add(row);
            }
        }
        jni.getMethod("setNumThreads", int.class).invoke(null, configured);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", env);
        out.put("cpu", cpuModel());
        out.put("rows", rows);
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }

    /**
     * Steps whose first-convolution gradient has a NaN or infinity, and steps whose gradient differs from the same
     * step recomputed on one intra-op thread by more than 1e-3 of its largest magnitude (or is non-finite), on
     * seeded 32×3×16×16 batches.
     */
    private static int[] count(String net, int steps, int threads, Class<?> jni) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        float[] w1 = uniform(random, 4 * 3 * 9, 0.3f);
        float[] w2 = uniform(random, 4 * 4 * 9, 0.3f);
        int nonFinite = 0;
        int wrong = 0;
        for (int s = 0; s < steps; s++) {
            float[] x = uniform(random, 32 * 3 * 256, 1f);
            jni.getMethod("setNumThreads", int.class).invoke(null, threads);
            float[] g = gradient(net, w1, w2, x);
            jni.getMethod("setNumThreads", int.class).invoke(null, 1);
            float[] reference = gradient(net, w1, w2, x);
            boolean finite = true;
            double scale = 0;
            for (float r : reference) {
                scale = Math.max(scale, Math.abs(r));
            }
            boolean differs = false;
            for (int i = 0; i < g.length; i++) {
                finite &= Float.isFinite(g[i]);
                differs |= !(Math.abs(g[i] - reference[i]) <= 1e-3 * scale);
            }
            nonFinite += finite ? 0 : 1;
            wrong += differs ? 1 : 0;
        }
        return new int[] {nonFinite, wrong};
    }

    private static float[] gradient(String net, float[] w1, float[] w2, float[] input) {
        try (NDManager step = NDManager.newBaseManager()) {
            NDArray first = Owned.floats(step, w1, new Shape(4, 3, 3, 3));
            NDArray second = Owned.floats(step, w2, new Shape(4, 4, 3, 3));
            first.setRequiresGradient(true);
            NDArray x = Owned.floats(step, input, new Shape(32, 3, 16, 16));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray h = conv(x, first);
                if (net.contains("relu-pool")) {
                    h = Pool.maxPool2d(Activation.relu(h), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
                }
                if (net.endsWith("-conv")) {
                    h = conv(h, second);
                }
                c.backward(h.square().mean());
            }
            return first.getGradient().toFloatArray();
        }
    }

    private static NDArray conv(NDArray x, NDArray w) {
        return Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
    }

    private static float[] uniform(SplittableRandom random, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-bound, bound);
        }
        return v;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
