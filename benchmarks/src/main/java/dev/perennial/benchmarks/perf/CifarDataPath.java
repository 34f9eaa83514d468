package dev.perennial.benchmarks.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The loop's data path on a CIFAR-size epoch: CIFAR-10 (50,000 training JPEGs, read from the zip by the
 * {@code image-folder} source) decoded and batched by the loop's worker threads into its bounded prefetch queue and
 * copied into arrays ({@link DataPathProbe}; two passes, the first with JIT warm-up and a cold file cache), with 1
 * and with 2 worker threads; and the 10,000 test images through
 * the loop's evaluation pass. Prints samples/s next to the training rate of ResNet-18-CIFAR from the loop-overhead
 * benchmark's JSON, if given, to show whether an epoch is input-bound.
 *
 * <pre>
 * CifarDataPath [--data ../shared/data/cifar10.zip] [--workers 1,2] [--batch 128] [--prefetch 4]
 *     [--loop-json benchmarks/results/loop-overhead.json] [--json benchmarks/results/loop-overhead-data-path.json]
 * </pre>
 */
public final class CifarDataPath {
    private CifarDataPath() {}

    /**
     * Entry point.
     *
     * @param args see the class comment
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("arguments are --name value pairs; got '" + args[i]
                        + "'. Known: --data --workers --batch --prefetch --loop-json --json");
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        Path data = Path.of(o.getOrDefault("data", "../shared/data/cifar10.zip"));
        if (!Files.isRegularFile(data) && !Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data.toAbsolutePath() + " does not exist; give the CIFAR-10"
                    + " zip (ImageFolder layout), e.g. ../shared/data/cifar10.zip");
        }
        int batch = Integer.parseInt(o.getOrDefault("batch", "128"));
        int prefetch = Integer.parseInt(o.getOrDefault("prefetch", "4"));
        Path json = Path.of(o.getOrDefault("json", "benchmarks/results/loop-overhead-data-path.json"));
        Path loopJson = Path.of(o.getOrDefault("loop-json", "benchmarks/results/loop-overhead.json"));
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "CIFAR-10 data path (%s), batch %d, prefetch %d batches, load %s%n", data, batch,
                prefetch, LoopOverheadBenchmark.loadAverage());
        System.out.println("| data workers | train images | first pass s | first pass images/s | second pass s |"
                + " second pass images/s | test images | evaluation s | test images/s |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String w : o.getOrDefault("workers", "1,2").split(",")) {
            int workers = Integer.parseInt(w.trim());
            Path runs = Files.createTempDirectory("perennial-data-path");
            RunReport report;
            try {
                report = Perennial.builder()
                        .name("data-path")
                        .dataset("image-folder", Map.of("path", data.toAbsolutePath().toString()))
                        .scenario("class-incremental", Map.of("increment", 10))
                        .learner("data-path-probe", Map.of("batchSize", batch, "passes", 2))
                        .training(Map.of("dataWorkers", workers, "prefetchBatches", prefetch, "evalBatchSize", batch))
                        .runDirectory(runs)
                        .build()
                        .run();
            } finally {
                try (Stream<Path> files = Files.walk(runs)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Map<String, Object> v = report.pluginValues().get("learner");
            long samples = ((Number) v.get("task0.samples")).longValue();
            double cold = ((Number) v.get("task0.pass1.seconds")).doubleValue();
            double seconds = ((Number) v.get("task0.pass2.seconds")).doubleValue();
            long testImages = 10_000;
            double evalSeconds = report.timings().get("evaluate");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("dataWorkers", workers);
            row.put("trainImages", samples);
            row.put("firstPassSeconds", cold);
            row.put("firstPassImagesPerSecond", samples / cold);
            row.put("trainSeconds", seconds);
            row.put("trainImagesPerSecond", samples / seconds);
            row.put("testImages", testImages);
            row.put("evaluationSeconds", evalSeconds);
            row.put("testImagesPerSecond", testImages / evalSeconds);
            row.put("load", LoopOverheadBenchmark.loadAverage());
            rows.add(row);
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.1f | %.0f | %d | %.1f | %.0f |%n", workers, samples,
                    cold, samples / cold, seconds, samples / seconds, testImages, evalSeconds, testImages / evalSeconds);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", ZonedDateTime.now().toString());
        out.put("data", data.toString());
        out.put("batch", batch);
        out.put("prefetchBatches", prefetch);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("rows", rows);
        if (Files.isRegularFile(loopJson)) {
            JsonNode s = new ObjectMapper().readTree(loopJson.toFile()).path("summary").path("resnet18_cifar");
            if (!s.isMissingNode()) {
                double[] rates = new ObjectMapper().convertValue(s.get("sharedLoopStepsPerSecond"), double[].class);
                double samplesPerSecond = GemmThroughput.median(rates) * s.get("batch").asInt();
                double best = rows.stream().mapToDouble(r -> (double) r.get("trainImagesPerSecond")).max().orElse(0);
                out.put("resnet18CifarLoopSamplesPerSecond", samplesPerSecond);
                System.out.printf(Locale.ROOT, "ResNet-18-CIFAR through the loop consumes %.1f images/s (%s); the data"
                        + " path delivers %.0f images/s: %s%n", samplesPerSecond, loopJson, best,
                        best > samplesPerSecond ? "not input-bound (" + String.format(Locale.ROOT, "%.0f",
                                best / samplesPerSecond) + "x headroom)" : "INPUT-BOUND");
            }
        }
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }
}
