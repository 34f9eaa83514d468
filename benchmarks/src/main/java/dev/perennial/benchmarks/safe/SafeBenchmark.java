package dev.perennial.benchmarks.safe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SAFE against the PTM baselines on real data: class-incremental CIFAR-100 (B0-Inc10 by default) through the
 * public builder, with a small ViT that the benchmark pre-trains on CIFAR-10 (cached outside git) as the PTM, or a
 * timm checkpoint given with {@code --checkpoint}. Prints average incremental and last accuracy per method and
 * class order, and writes them as JSON.
 *
 * <pre>
 * bin/benchmark safe.SafeBenchmark [--methods safe,ranpac,aper,simplecil,ptm-finetune] [--orders 1993]
 *     [--per-class 40] [--tasks 0] [--epochs 2] [--projection 1000] ...
 * </pre>
 */
public final class SafeBenchmark {
    private SafeBenchmark() {}

    /** One run. */
    record Result(String method, long classOrderSeed, double averageIncrementalAccuracy, double lastAccuracy,
                  List<Double> incrementalAccuracies, double trainSeconds, double totalSeconds) {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} options
     * @throws IOException when the data or the JSON file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> o = parse(args);
        Path cifar100 = Path.of(o.getOrDefault("cifar100", "../shared/data/cifar100.zip"));
        Path cifar10 = Path.of(o.getOrDefault("cifar10", "../shared/data/cifar10.zip"));
        List<String> methods = List.of(o.getOrDefault("methods", "safe,ranpac,aper,simplecil,ptm-finetune").split(","));
        List<Long> orders = Arrays.stream(o.getOrDefault("orders", "1993").split(",")).map(Long::parseLong).toList();
        int perClass = Integer.parseInt(o.getOrDefault("per-class", "40"));
        int increment = Integer.parseInt(o.getOrDefault("increment", "10"));
        int maxTasks = Integer.parseInt(o.getOrDefault("tasks", "0"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
        int batchSize = Integer.parseInt(o.getOrDefault("batch-size", "32"));
        double lr = Double.parseDouble(o.getOrDefault("learning-rate", "0.01"));
        int projection = Integer.parseInt(o.getOrDefault("projection", "1000"));
        int dim = Integer.parseInt(o.getOrDefault("dim", "64"));
        int depth = Integer.parseInt(o.getOrDefault("depth", "4"));
        int heads = Integer.parseInt(o.getOrDefault("heads", "4"));
        int patch = Integer.parseInt(o.getOrDefault("patch", "4"));
        int bottleneck = Integer.parseInt(o.getOrDefault("adapter-bottleneck", "16"));
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/safe-cifar100.json"));

        String checkpoint = o.get("checkpoint");
        Map<String, Object> ptmInfo = new LinkedHashMap<>();
        if (checkpoint == null) {
            PtmPretraining pre = new PtmPretraining(cifar10, 32, patch, dim, depth, heads,
                    Integer.parseInt(o.getOrDefault("pretrain-per-class", "1000")),
                    Integer.parseInt(o.getOrDefault("pretrain-epochs", "3")), 1);
            System.out.println("PTM: pre-training (or reusing) a ViT on CIFAR-10 " + pre);
            PtmPretraining.Result r = pre.checkpoint(Path.of(o.getOrDefault("cache", "target/benchmarks/ptm-cache")));
            checkpoint = r.checkpoint().toString();
            System.out.printf(Locale.ROOT, "PTM: %s, CIFAR-10 test accuracy %.4f%s%n", checkpoint, r.testAccuracy(),
                    r.cached() ? " (cached)" : String.format(Locale.ROOT, " (%.0f s)", r.seconds()));
            ptmInfo.put("kind", "pre-trained by this benchmark on CIFAR-10 (supervised, AdamW)");
            ptmInfo.put("pretraining", pre.toString());
            ptmInfo.put("cifar10TestAccuracy", r.testAccuracy());
        } else {
            ptmInfo.put("kind", "user checkpoint");
        }
        ptmInfo.put("checkpoint", checkpoint);
        Map<String, Object> backbone = new LinkedHashMap<>();
        backbone.put("checkpoint", checkpoint);
        backbone.put("imageSize", 32);
        backbone.put("patchSize", patch);
        backbone.put("embedDim", dim);
        backbone.put("depth", depth);
        backbone.put("numHeads", heads);
        backbone.put("pet", o.getOrDefault("pet", "adapter"));
        backbone.put("adapterBottleneck", bottleneck);

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("optimizer", "sgd");
        training.put("learningRate", lr);
        training.put("momentum", 0.9);
        training.put("weightDecay", 5e-4);
        training.put("schedule", "cosine");
        training.put("epochs", epochs);
        training.put("batchSize", batchSize);
        training.put("evalBatchSize", 100);
        training.put("resetOptimizerEachTask", true);
        Map<String, Object> dataset = Map.of("path", cifar100.toString(), "channels", 3, "limitPerClass", perClass);

        List<Result> results = new ArrayList<>();
        for (long order : orders) {
            for (String method : methods) {
                Map<String, Object> learner = learnerConfig(method, backbone, projection);
                String learnerName = method.startsWith("safe") ? "safe" : method;
                Path runs = Files.createTempDirectory("perennial-safe-bench-");
                long start = System.nanoTime();
                RunReport report = Perennial.builder()
                        .name("cifar100-" + method + "-order" + order)
                        .seed(1)
                        .dataset("image-folder", dataset)
                        .scenario("class-incremental", Map.of("increment", increment, "classOrderSeed", order,
                                "maxTasks", maxTasks))
                        .learner(learnerName, learner)
                        .training(training)
                        .runDirectory(runs)
                        .build()
                        .run();
                Result r = new Result(method, order, report.summary().averageIncrementalAccuracy(),
                        report.summary().lastAccuracy(), report.summary().incrementalAccuracies(),
                        report.timings().getOrDefault("train", Double.NaN), (System.nanoTime() - start) / 1e9);
                results.add(r);
                System.out.printf(Locale.ROOT, "%-14s order %d: average incremental %.4f, last %.4f (%.0f s)%n",
                        method, order, r.averageIncrementalAccuracy(), r.lastAccuracy(), r.totalSeconds());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "CIFAR-100 B0-Inc%d, %d train and %d test images per class, %d epochs per "
                + "task, PTM ViT D%d×%d blocks (%s)%n", increment, perClass, perClass, epochs, dim, depth,
                ptmInfo.get("kind"));
        System.out.println("| method | class order | average incremental accuracy | last accuracy | seconds |");
        System.out.println("|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.0f |%n", r.method(), r.classOrderSeed(),
                    r.averageIncrementalAccuracy(), r.lastAccuracy(), r.totalSeconds());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "safe/cifar100");
        json.put("arguments", Arrays.asList(args));
        json.put("ptm", ptmInfo);
        json.put("backbone", backbone);
        json.put("dataset", dataset);
        json.put("training", training);
        json.put("projectionWidth", projection);
        json.put("results", results.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("classOrderSeed", r.classOrderSeed());
            m.put("averageIncrementalAccuracy", r.averageIncrementalAccuracy());
            m.put("lastAccuracy", r.lastAccuracy());
            m.put("incrementalAccuracies", r.incrementalAccuracies());
            m.put("trainSeconds", r.trainSeconds());
            m.put("totalSeconds", r.totalSeconds());
            return m;
        }).toList());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("wrote " + out);
    }

    /**
     * The learner configuration of a method name; {@code safe-no-transfer}, {@code safe-slow}, {@code safe-fast} and
     * {@code safe-average} are SAFE's ablations (no transfer loss; slow or fast learner only; γ = 0).
     */
    static Map<String, Object> learnerConfig(String method, Map<String, Object> backbone, int projection) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("backbone", backbone);
        switch (method) {
            case "safe", "safe-no-transfer", "safe-slow", "safe-fast", "safe-average" -> {
                c.put("projectionWidth", projection);
                if (method.equals("safe-no-transfer")) {
                    c.put("lambdaDiag", 0.0);
                    c.put("lambdaRdn", 0.0);
                } else if (method.equals("safe-slow")) {
                    c.put("inference", "slow");
                } else if (method.equals("safe-fast")) {
                    c.put("inference", "fast");
                } else if (method.equals("safe-average")) {
                    c.put("gamma", 0.0);
                }
            }
            case "ranpac" -> c.put("projectionWidth", projection);
            case "aper", "simplecil" -> { }
            case "ptm-finetune" -> c.put("tune", "full");
            default -> throw new IllegalArgumentException("--methods: unknown method '" + method + "'; known: safe, "
                    + "safe-no-transfer, safe-slow, safe-fast, safe-average, ranpac, aper, simplecil, ptm-finetune");
        }
        return c;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("arguments are --name value pairs; got '" + args[i] + "'");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
