package dev.perennial.benchmarks.gpu;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.StepEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Proves the GPU path of the shared loop: the same class-incremental experiment (LwF on a small CNN, mixup on)
 * on the CPU and on the GPU in one process, side by side, with training throughput, the final accuracy matrix's
 * summary and the ratio. Prints a table and writes JSON.
 *
 * <p>Usage: {@code DevicePathCheck [out.json] [epochs=2] [channels=32]}
 */
public final class DevicePathCheck {
    private DevicePathCheck() {}

    /**
     * Entry point.
     *
     * @param args JSON output path, epochs, channels of the first convolution
     * @throws Exception when the JSON cannot be written
     */
    public static void main(String[] args) throws Exception {
        Path json = Path.of(args.length > 0 ? args[0] : "benchmarks/results/device-path.json");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int channels = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        Engine engine = Engine.getInstance();
        System.out.printf(Locale.ROOT, "engine %s %s, GPUs visible: %d%n", engine.getEngineName(), engine.getVersion(),
                engine.getGpuCount());
        List<String> devices = engine.getGpuCount() > 0 ? List.of("cpu", "gpu") : List.of("cpu");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", engine.getEngineName() + " " + engine.getVersion());
        out.put("gpus", engine.getGpuCount());
        System.out.printf(Locale.ROOT, "%-6s %14s %14s %12s %12s%n", "device", "samples/s", "train s", "last acc",
                "avg inc acc");
        Map<String, Double> throughput = new LinkedHashMap<>();
        for (String device : devices) {
            List<Double> sps = new ArrayList<>();
            RunListener probe = new RunListener() {
                @Override
                public void onStep(StepEvent e) {
                    if (e.taskStep() == e.taskSteps()) {
                        sps.add(e.samplesPerSecond());
                    }
                }
            };
            RunReport r = Perennial.builder()
                    .name("device-" + device)
                    .seed(5)
                    .dataset("generated-shapes", Map.of("classes", 10, "trainPerClass", 500, "testPerClass", 100,
                            "channels", 3, "size", 32))
                    .scenario("class-incremental", Map.of("increment", 2))
                    .learner("lwf", Map.of("backbone", Map.of("name", "small-cnn", "channels", channels,
                            "featureDim", 256)))
                    .augmenter("mixup", Map.of())
                    .training(Map.of("epochs", epochs, "batchSize", 128, "learningRate", 0.05, "dataWorkers", 4))
                    .device(device)
                    .runDirectory(Files.createTempDirectory("perennial-device"))
                    .build()
                    .run(probe);
            double mean = sps.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            throughput.put(device, mean);
            System.out.printf(Locale.ROOT, "%-6s %14.0f %14.1f %12.4f %12.4f%n", r.device(), mean,
                    r.timings().get("train"), r.summary().lastAccuracy(), r.summary().averageIncrementalAccuracy());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device", r.device());
            d.put("samplesPerSecond", mean);
            d.put("timings", r.timings());
            d.put("summary", r.summary());
            d.put("accuracyMatrix", r.accuracyMatrix());
            out.put(device, d);
        }
        if (throughput.containsKey("gpu")) {
            double ratio = throughput.get("gpu") / throughput.get("cpu");
            out.put("gpuOverCpu", ratio);
            System.out.printf(Locale.ROOT, "GPU / CPU training throughput: %.2f%n", ratio);
        }
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }
}
