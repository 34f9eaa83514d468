package dev.perennial.benchmarks.gpu;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.StepEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proof on a card (issue #25): the continual-VQA sample's small model (LLaCA on Mini-CoIN, the kill-resume
 * stress's shortened experiment) and a SAFE session (tiny ViT on generated shapes), each on the CPU and on the GPU,
 * in fp32 and bf16, through the shared loop. Prints per configuration the mean seconds per optimizer step (after the
 * first step of the run, which pays for JIT and kernel start-up), the GPU memory in use at most (driver view,
 * sampled after every step: the caching allocator's reserve included), the final accuracy, and a refusal line
 * where the engine cannot run a precision (bf16 in DJL 0.36: the probe's one-line error, not a JVM abort).
 * Writes JSON.
 *
 * <p>Usage: {@code GpuProof [out.json] [devices=cpu,gpu] [precisions=fp32,bf16]}
 */
public final class GpuProof {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> EXPERIMENTS = List.of("continual-vqa.yaml", "safe.yaml");

    private GpuProof() {}

    /**
     * Entry point.
     *
     * @param args JSON path, devices, precisions
     * @throws IOException when an experiment cannot be read or the JSON written
     */
    public static void main(String[] args) throws IOException {
        Path json = Path.of(args.length > 0 ? args[0] : "benchmarks/results/gpu-proof.json");
        List<String> devices = List.of((args.length > 1 ? args[1] : "cpu,gpu").split(","));
        List<String> precisions = List.of((args.length > 2 ? args[2] : "fp32,bf16").split(","));
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        System.out.printf(Locale.ROOT, "engine %s %s, GPUs visible: %d%n", engine.getEngineName(),
                engine.getVersion(), gpus);
        System.out.printf(Locale.ROOT, "%-18s %-4s %-5s %10s %8s %12s %10s  %s%n", "experiment", "dev", "prec",
                "s/step", "steps", "peak MiB", "last acc", "note");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String file : EXPERIMENTS) {
            for (String device : devices) {
                for (String precision : precisions) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("experiment", file);
                    row.put("device", device);
                    row.put("precision", precision);
                    if (device.equals("gpu") && gpus == 0) {
                        row.put("note", "no GPU visible");
                    } else {
                        runOne(file, device, precision, row);
                    }
                    rows.add(row);
                    System.out.printf(Locale.ROOT, "%-18s %-4s %-5s %10s %8s %12s %10s  %s%n", file.replace(".yaml", ""),
                            device, precision, fmt(row.get("secondsPerStep"), "%.4f"), fmt(row.get("steps"), "%s"),
                            fmt(row.get("peakGpuMiB"), "%.0f"), fmt(row.get("lastAccuracy"), "%.4f"),
                            row.getOrDefault("note", ""));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", engine.getEngineName() + " " + engine.getVersion());
        out.put("gpus", gpus);
        out.put("runs", rows);
        Files.createDirectories(json.toAbsolutePath().getParent());
        JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }

    private static void runOne(String file, String device, String precision, Map<String, Object> row)
            throws IOException {
        ExperimentConfig config = experiment(file, device, precision);
        List<Long> stepNanos = new ArrayList<>();
        double[] peak = {Double.NaN};
        boolean gpu = device.equals("gpu");
        RunListener probe = new RunListener() {
            private long last;

            @Override
            public void onStep(StepEvent e) {
                long now = System.nanoTime();
                if (last != 0) {
                    stepNanos.add(now - last);
                }
                last = now;
                if (gpu) {
                    double used = (double) CudaUtils.getGpuMemory(Device.gpu()).getUsed() / (1 << 20);
                    peak[0] = Double.isNaN(peak[0]) ? used : Math.max(peak[0], used);
                }
            }
        };
        try {
            RunReport r = Perennial.of(config).run(probe);
            row.put("steps", stepNanos.size() + 1);
            row.put("secondsPerStep", stepNanos.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e9);
            row.put("peakGpuMiB", gpu ? peak[0] : null);
            row.put("lastAccuracy", r.summary().lastAccuracy());
            row.put("nanSkips", r.nanSkips());
            row.put("timings", r.timings());
        } catch (RuntimeException e) {
            row.put("note", e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The experiment file from the kill-resume stress's resources, on a device and in a precision, no checkpoints. */
    static ExperimentConfig experiment(String file, String device, String precision) throws IOException {
        String text;
        try (InputStream in = GpuProof.class.getResourceAsStream("/dev/perennial/benchmarks/resume/" + file)) {
            if (in == null) {
                throw new IOException("missing resource dev/perennial/benchmarks/resume/" + file);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ObjectNode tree = ExperimentFiles.toTree(ExperimentFiles.parse(text, file));
        tree.put("name", "gpu-proof-" + file.replace(".yaml", "") + "-" + device + "-" + precision);
        tree.put("device", device);
        tree.put("checkpointEverySteps", 0);
        tree.put("runDirectory", Files.createTempDirectory("perennial-gpu-proof").toString());
        ((ObjectNode) tree.get("training")).put("precision", precision);
        return ExperimentFiles.bind(tree, file + " (" + device + ", " + precision + ")");
    }

    private static String fmt(Object v, String pattern) {
        return v == null ? "-" : String.format(Locale.ROOT, pattern, v);
    }
}
