package dev.perennial.benchmarks.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.StepEvent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs N optimizer steps of a small CNN through the shared loop (one task, many epochs, with an augmenter and the
 * accuracy metric on) and prints resident memory (VmRSS), the JVM heap in use and off-heap memory (RSS minus the
 * heap in use and the JVM's committed non-heap pools: libtorch's tensors, DJL's handles, thread stacks) every K
 * steps, after a full GC so the Java side is measured without garbage. Memory must stay flat: the last sample
 * within 5 % of the first after warm-up.
 *
 * <p>Usage: {@code bin/benchmark memory.LoopMemoryFlatness [steps=5000] [every=500] [json=benchmarks/results/memory.json]}
 */
public final class LoopMemoryFlatness {
    private LoopMemoryFlatness() {}

    /**
     * Entry point.
     *
     * @param args steps, sampling interval, JSON output path
     * @throws IOException when the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int every = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path json = Path.of(args.length > 2 ? args[2] : "benchmarks/results/memory.json");
        int perClass = 400;
        int batch = 32;
        int stepsPerEpoch = (2 * perClass + batch - 1) / batch;
        int epochs = (steps + stepsPerEpoch - 1) / stepsPerEpoch;
        List<Map<String, Object>> samples = new ArrayList<>();
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        RunListener probe = new RunListener() {
            @Override
            public void onStep(StepEvent e) {
                if (e.globalStep() % every != 0) {
                    return;
                }
                System.gc();
                long rss = rssBytes();
                long heapUsed = mx.getHeapMemoryUsage().getUsed();
                long jvm = heapUsed + mx.getNonHeapMemoryUsage().getCommitted();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", e.globalStep());
                s.put("rssMiB", rss / 1048576.0);
                s.put("heapUsedMiB", heapUsed / 1048576.0);
                s.put("nativeMiB", (rss - jvm) / 1048576.0);
                s.put("samplesPerSecond", e.samplesPerSecond());
                samples.add(s);
                System.out.printf(Locale.ROOT, "%8d %10.1f %12.1f %12.1f %10.0f%n", e.globalStep(), rss / 1048576.0,
                        heapUsed / 1048576.0, (rss - jvm) / 1048576.0, e.samplesPerSecond());
            }
        };
        System.out.printf(Locale.ROOT, "%8s %10s %12s %12s %10s%n", "step", "RSS MiB", "heap MiB", "off-heap MiB",
                "samples/s");
        Path runs = Files.createTempDirectory("perennial-memory");
        RunReport report = Perennial.builder()
                .name("memory")
                .dataset("generated-shapes", Map.of("classes", 2, "trainPerClass", perClass, "testPerClass", 50, "size", 16))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner("finetune", Map.of("backbone", Map.of("name", "small-cnn", "channels", 4, "featureDim", 16)))
                .augmenter("mixup", Map.of())
                .training(Map.of("epochs", epochs, "batchSize", batch, "logEverySteps", every,
                        "learningRate", 0.01, "dataWorkers", 1))
                .runDirectory(runs)
                .build()
                .run(probe);
        double first = (double) samples.get(Math.min(1, samples.size() - 1)).get("nativeMiB");
        double last = (double) samples.get(samples.size() - 1).get("nativeMiB");
        double firstRss = (double) samples.get(Math.min(1, samples.size() - 1)).get("rssMiB");
        double lastRss = (double) samples.get(samples.size() - 1).get("rssMiB");
        double drift = (last - first) / first;
        double rssDrift = (lastRss - firstRss) / firstRss;
        System.out.printf(Locale.ROOT, "native memory from step %s to %s: %.1f -> %.1f MiB (%+.2f %%); RSS %+.2f %%%n",
                samples.get(Math.min(1, samples.size() - 1)).get("step"), samples.get(samples.size() - 1).get("step"),
                first, last, 100 * drift, 100 * rssDrift);
        System.out.println(Math.abs(drift) <= 0.05 && Math.abs(rssDrift) <= 0.05 ? "FLAT (within 5 %)"
                : "NOT FLAT (more than 5 %)");
        // Point samples swing with the allocator's caching; the least-squares slope over the samples after warm-up
        // tells growth from noise.
        double slope = rssSlopePerThousandSteps(samples.subList(Math.min(1, samples.size() - 1), samples.size()));
        double min = samples.stream().skip(1).mapToDouble(x -> (double) x.get("rssMiB")).min().orElse(Double.NaN);
        double max = samples.stream().skip(1).mapToDouble(x -> (double) x.get("rssMiB")).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "RSS trend after warm-up: %+.3f MiB per 1,000 steps; band %.1f-%.1f MiB%n",
                slope, min, max);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steps", report.lossCurves().get(0).size());
        out.put("every", every);
        out.put("samples", samples);
        out.put("nativeDrift", drift);
        out.put("rssDrift", rssDrift);
        out.put("rssSlopeMiBPer1000Steps", slope);
        out.put("rssBandMiB", List.of(min, max));
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }

    private static double rssSlopePerThousandSteps(List<Map<String, Object>> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (Map<String, Object> p : points) {
            mx += ((Number) p.get("step")).doubleValue() / n;
            my += (double) p.get("rssMiB") / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (Map<String, Object> p : points) {
            double dx = ((Number) p.get("step")).doubleValue() - mx;
            sxy += dx * ((double) p.get("rssMiB") - my);
            sxx += dx * dx;
        }
        return 1000 * sxy / sxx;
    }

    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read VmRSS from /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
