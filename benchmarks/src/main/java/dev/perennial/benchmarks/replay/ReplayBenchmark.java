package dev.perennial.benchmarks.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.BenchmarkPresets;
import dev.perennial.benchmarks.BenchmarkArgs;
import dev.perennial.benchmarks.vqa.MeanStd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Split Fashion-MNIST or split CIFAR-10 (5 tasks × 2 classes, class-incremental, a network from scratch): finetune,
 * lwf and ewc
 * against the rehearsal learners er, der, derpp, icarl and gdumb at equal memory (M examples), paired seeds (every
 * method runs seeds 1..n), average incremental accuracy, last accuracy and forgetting as mean ± std; prints a table
 * and writes every run to JSON.
 *
 * <p>Arguments ({@code --name value}): {@code --folder} (/usr/share/datasets/fashion-mnist), {@code --limit-per-class}
 * (300, per split), {@code --epochs} (2), {@code --seeds} (3: seeds first-seed, first-seed + 1, ...),
 * {@code --first-seed} (1; splits a benchmark over processes), {@code --batch-size} (32), {@code --learning-rate}
 * (0.05), {@code --momentum} (0.9), {@code --schedule} (cosine; or constant), {@code --alpha} and {@code --beta}
 * (der and derpp's weights; their plugin defaults when absent), {@code --memory} (200), {@code --replay-batch-size} (32), {@code --channels} (8), {@code --feature-dim}
 * (64), {@code --ewc-lambda} (100), {@code --methods} (finetune,lwf,ewc,er,der,derpp,icarl,gdumb), {@code --out}
 * (target/benchmarks/replay-&lt;benchmark&gt;.json), {@code --benchmark} ({@code split-fashion-mnist}, or
 * {@code split-cifar10}: the {@code split-cifar10} preset's {@code cifar10.zip} from
 * {@link BenchmarkPresets#dataDirectory()}, 32×32 RGB, natural class order; {@code --folder} then names the zip),
 * {@code --backbone} ({@code small-cnn}, or {@code resnet18-cifar}: {@code --channels} is its stage-1 width and the
 * feature width is 8 · channels), {@code --augmentation} ({@code none}; {@code crop-flip} makes the rehearsal
 * learners augment stream and replayed images as Mammoth does; the others get none), {@code --icarl-mean-of-flips}
 * (icarl's {@code meanOfFlips}; its default when absent).
 */
public final class ReplayBenchmark {
    /** The {@code --name} arguments this program accepts. */
    private static final Set<String> ARGUMENTS = Set.of(
            "alpha", "augmentation", "backbone", "batch-size", "benchmark", "beta", "channels", "epochs", "ewc-lambda",
            "feature-dim", "first-seed", "folder", "icarl-mean-of-flips", "learning-rate", "limit-per-class", "memory",
            "methods", "momentum", "out", "replay-batch-size", "schedule", "seeds");

    private ReplayBenchmark() {}

    /**
     * One run's numbers.
     *
     * @param method the learner
     * @param seed the run seed
     * @param averageIncrementalAccuracy mean over tasks of the accuracy on the tasks seen so far
     * @param lastAccuracy accuracy on every task after the last
     * @param forgetting mean drop from the best earlier accuracy of each old task
     * @param memoryExamples examples in the learner's memory at the end (0 without one)
     * @param memoryBytes their heap bytes
     * @param accuracyMatrix the accuracy matrix
     */
    public record Result(String method, long seed, double averageIncrementalAccuracy, double lastAccuracy,
                         double forgetting, long memoryExamples, long memoryBytes, double[][] accuracyMatrix) {}

    /**
     * One method over the seeds.
     *
     * @param method the learner
     * @param averageIncrementalAccuracy mean ± std
     * @param lastAccuracy mean ± std
     * @param forgetting mean ± std
     * @param memoryExamples memory at the end of the first seed's run
     * @param memoryBytes its bytes
     */
    public record Summary(String method, MeanStd averageIncrementalAccuracy, MeanStd lastAccuracy,
                          MeanStd forgetting, long memoryExamples, long memoryBytes) {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> o = BenchmarkArgs.parse(args, ARGUMENTS);
        String benchmark = o.getOrDefault("benchmark", "split-fashion-mnist");
        boolean cifar = switch (benchmark) {
            case "split-fashion-mnist" -> false;
            case "split-cifar10" -> true;
            default -> throw new IllegalArgumentException("--benchmark: unknown '" + benchmark + "'; use"
                    + " split-fashion-mnist or split-cifar10");
        };
        String folder = o.getOrDefault("folder", cifar ? BenchmarkPresets.dataDirectory().resolve("cifar10.zip")
                .toString() : "/usr/share/datasets/fashion-mnist");
        int limit = Integer.parseInt(o.getOrDefault("limit-per-class", "300"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
        int seeds = Integer.parseInt(o.getOrDefault("seeds", "3"));
        int firstSeed = Integer.parseInt(o.getOrDefault("first-seed", "1"));
        int batchSize = Integer.parseInt(o.getOrDefault("batch-size", "32"));
        double learningRate = Double.parseDouble(o.getOrDefault("learning-rate", "0.05"));
        double momentum = Double.parseDouble(o.getOrDefault("momentum", "0.9"));
        String schedule = o.getOrDefault("schedule", "cosine");
        int memory = Integer.parseInt(o.getOrDefault("memory", "200"));
        int replayBatch = Integer.parseInt(o.getOrDefault("replay-batch-size", "32"));
        int channels = Integer.parseInt(o.getOrDefault("channels", "8"));
        String backboneName = o.getOrDefault("backbone", "small-cnn");
        int featureDim = Integer.parseInt(o.getOrDefault("feature-dim",
                "resnet18-cifar".equals(backboneName) ? Integer.toString(8 * channels) : "64"));
        String augmentation = o.getOrDefault("augmentation", "none");
        double ewcLambda = Double.parseDouble(o.getOrDefault("ewc-lambda", "100"));
        List<String> methods = List.of(o.getOrDefault("methods", "finetune,lwf,ewc,er,der,derpp,icarl,gdumb")
                .split(","));
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/replay-" + benchmark + ".json"));

        Map<String, Object> backbone = Map.of("name", backboneName, "channels", channels, "featureDim", featureDim);
        Map<String, Object> dataset = cifar ? Map.of("path", folder, "channels", 3, "limitPerClass", limit)
                : Map.of("folder", folder, "limitPerClass", limit);
        Map<String, Object> training = Map.of("epochs", epochs, "batchSize", batchSize, "learningRate", learningRate,
                "momentum", momentum, "schedule", schedule, "dataWorkers", 1);
        List<Result> results = new ArrayList<>();
        Map<String, String> environment = Map.of();
        for (String method : methods) {
            Map<String, Object> config = new LinkedHashMap<>(learnerConfig(method, backbone, memory, replayBatch,
                    ewcLambda));
            if (!"none".equals(augmentation) && (config.containsKey("memory") || config.containsKey("memorySize"))) {
                config.put("augmentation", augmentation);
            }
            if (o.containsKey("icarl-mean-of-flips") && method.equals("icarl")) {
                config.put("meanOfFlips", Boolean.parseBoolean(o.get("icarl-mean-of-flips")));
            }
            if (o.containsKey("alpha") && (method.equals("der") || method.equals("derpp"))) {
                config.put("alpha", Double.parseDouble(o.get("alpha")));
            }
            if (o.containsKey("beta") && method.equals("derpp")) {
                config.put("beta", Double.parseDouble(o.get("beta")));
            }
            for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
                Path runs = Files.createTempDirectory("perennial-replay-" + method + "-");
                RunReport report = Perennial.builder()
                        .name("replay-" + method + "-seed" + seed)
                        .seed(seed)
                        .dataset(cifar ? "image-folder" : "idx", dataset)
                        .scenario("class-incremental", Map.of("increment", 2))
                        .learner(method, config)
                        .training(training)
                        .runDirectory(runs)
                        .build().run();
                long[] mem = memoryOf(report);
                Result r = new Result(method, seed, report.summary().averageIncrementalAccuracy(),
                        report.summary().lastAccuracy(), report.summary().forgetting(), mem[0], mem[1],
                        report.accuracyMatrix());
                results.add(r);
                environment = report.environment();
                System.out.printf(Locale.ROOT, "%-8s seed %d: avg inc %.4f, last %.4f, forgetting %.4f, memory %d"
                        + " examples (%d bytes)%n", method, seed, r.averageIncrementalAccuracy(), r.lastAccuracy(),
                        r.forgetting(), r.memoryExamples(), r.memoryBytes());
                // written after every run, so a long benchmark stopped early keeps what it measured
                write(out, benchmark, args, dataset, training, backbone, memory, summarise(methods, results),
                        results, environment);
            }
        }
        List<Summary> summaries = summarise(methods, results);
        System.out.println();
        System.out.printf(Locale.ROOT, "%s 5x2 (class-incremental), %s %d/%d from scratch, %d train/test per class,"
                + " %d epochs, batch %d, lr %s, memory %d, augmentation %s, %d seeds%n", benchmark, backboneName,
                channels, featureDim, limit, epochs, batchSize, learningRate, memory, augmentation, seeds);
        System.out.println("| method | memory (examples / KiB) | average incremental accuracy | last accuracy |"
                + " forgetting |");
        System.out.println("|---|---|---|---|---|");
        for (Summary s : summaries) {
            System.out.printf(Locale.ROOT, "| %s | %d / %.0f | %s | %s | %s |%n", s.method(), s.memoryExamples(),
                    s.memoryBytes() / 1024.0, s.averageIncrementalAccuracy().format(), s.lastAccuracy().format(),
                    s.forgetting().format());
        }
        write(out, benchmark, args, dataset, training, backbone, memory, summaries, results, environment);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    private static List<Summary> summarise(List<String> methods, List<Result> results) {
        List<Summary> summaries = new ArrayList<>();
        for (String m : methods) {
            List<Result> rs = results.stream().filter(r -> r.method().equals(m)).toList();
            if (rs.isEmpty()) {
                continue;
            }
            summaries.add(new Summary(m,
                    MeanStd.of(rs.stream().mapToDouble(Result::averageIncrementalAccuracy).toArray()),
                    MeanStd.of(rs.stream().mapToDouble(Result::lastAccuracy).toArray()),
                    MeanStd.of(rs.stream().mapToDouble(Result::forgetting).toArray()),
                    rs.get(0).memoryExamples(), rs.get(0).memoryBytes()));
        }
        return summaries;
    }

    private static void write(Path out, String benchmark, String[] args, Map<String, Object> dataset,
                              Map<String, Object> training,
                              Map<String, Object> backbone, int memory, List<Summary> summaries, List<Result> results,
                              Map<String, String> environment) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "replay/" + benchmark);
        json.put("arguments", Arrays.asList(args));
        json.put("dataset", dataset);
        json.put("training", training);
        json.put("backbone", backbone);
        json.put("memory", memory);
        json.put("summary", summaries);
        json.put("runs", results);
        json.put("environment", environment);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    }

    /**
     * Each learner's configuration: the same backbone, and the same memory M for every rehearsal learner (the same
     * settings on SAFE's pre-trained ViT: {@code benchmarks/sweeps/safe-cifar100-rehearsal.yaml}).
     *
     * @param method finetune, lwf, ewc, er, der, derpp, icarl or gdumb
     * @param backbone the {@code backbone} field
     * @param memory M, in examples
     * @param replayBatch examples drawn from the memory per step
     * @param ewcLambda EWC's λ
     * @return the learner's configuration
     */
    public static Map<String, Object> learnerConfig(String method, Map<String, Object> backbone, int memory,
                                             int replayBatch, double ewcLambda) {
        Map<String, Object> buffer = Map.of("size", memory, "replayBatchSize", replayBatch);
        return switch (method) {
            case "finetune", "lwf" -> Map.of("backbone", backbone);
            // ewc's default lambda 1000 diverged (NaN) in the last task at lr 0.05 on this benchmark
            case "ewc" -> Map.of("backbone", backbone, "lambda", ewcLambda);
            case "er", "der", "derpp" -> Map.of("backbone", backbone, "memory", buffer);
            case "gdumb" -> Map.of("backbone", backbone, "memory", Map.of("size", memory, "replayBatchSize",
                    replayBatch, "policy", "class-balanced"));
            case "icarl" -> Map.of("backbone", backbone, "memorySize", memory);
            default -> throw new IllegalArgumentException("--methods: unknown method '" + method + "'; use finetune,"
                    + " lwf, ewc, er, der, derpp, icarl, gdumb");
        };
    }

    /**
     * The learner's memory at the end of the run, from its state values in the report.
     *
     * @param report the run's report
     * @return {examples, bytes}; zeros for a learner without memory
     */
    public static long[] memoryOf(RunReport report) {
        for (Map<String, Object> values : report.pluginValues().values()) {
            for (String prefix : List.of("buffer/", "exemplars/")) {
                if (values.get(prefix + "examples") instanceof Number n && values.get(prefix + "bytes") instanceof Number b) {
                    return new long[] {n.longValue(), b.longValue()};
                }
            }
        }
        return new long[] {0, 0};
    }

}
