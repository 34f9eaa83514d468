package dev.perennial.benchmarks.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.models.nn.ConvolutionProbe;
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
        int configured = ConvolutionProbe.intraOpThreads();
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : List.of("ONEDNN_MAX_CPU_ISA", "MKL_NUM_THREADS", "OMP_NUM_THREADS")) {
            env.put(k, System.getenv().getOrDefault(k, "(unset)"));
        }
        System.out.println("environment: " + env + "; libtorch intra-op threads at start: " + configured);
        System.out.printf(Locale.ROOT, "%-28s %8s %10s %18s %18s%n", "network", "threads", "steps", "non-finite grads",
                "wrong grads");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ConvolutionProbe.Network net : ConvolutionProbe.Network.values()) {
            for (int threads : new int[] {1, 2}) {
                int[] bad = count(net, steps, threads);
                System.out.printf(Locale.ROOT, "%-28s %8d %10d %18d %18d%n", net.label(), threads, steps, bad[0],
                        bad[1]);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("network", net.label());
                row.put("threads", threads);
                row.put("steps", steps);
                row.put("nonFinite", bad[0]);
                row.put("wrong", bad[1]);
                rows.add(row);
            }
        }
        ConvolutionProbe.intraOpThreads(configured);
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
    private static int[] count(ConvolutionProbe.Network net, int steps, int threads) {
        SplittableRandom random = new SplittableRandom(7);
        float[] w1 = ConvolutionProbe.uniform(random, ConvolutionProbe.FIRST_WEIGHTS, 0.3f);
        float[] w2 = ConvolutionProbe.uniform(random, ConvolutionProbe.SECOND_WEIGHTS, 0.3f);
        int nonFinite = 0;
        int wrong = 0;
        for (int s = 0; s < steps; s++) {
            float[] x = ConvolutionProbe.uniform(random, ConvolutionProbe.INPUT_VALUES, 1f);
            ConvolutionProbe.intraOpThreads(threads);
            float[] g = ConvolutionProbe.firstLayerGradient(net, w1, w2, x);
            ConvolutionProbe.intraOpThreads(1);
            float[] reference = ConvolutionProbe.firstLayerGradient(net, w1, w2, x);
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

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
