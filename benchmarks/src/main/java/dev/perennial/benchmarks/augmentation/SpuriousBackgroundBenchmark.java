package dev.perennial.benchmarks.augmentation;

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
 * Trains the same small CNN ({@code finetune} learner, {@code small-cnn} backbone) on the
 * {@code spurious-backgrounds} data set with no augmentation, mixup, cutmix and de-da, several seeds each, and
 * prints average accuracy and worst-group accuracy side by side; writes every number to a JSON file.
 *
 * <p>Arguments ({@code --name value}): {@code --train-per-class} (default 300), {@code --test-per-group} (20),
 * {@code --epochs} (4), {@code --seeds} (3), {@code --batch-size} (64), {@code --learning-rate} (0.05),
 * {@code --correlation} (0.95), {@code --methods} (none,mixup,cutmix,de-da), {@code --out}
 * (target/benchmarks/augmentation-spurious-backgrounds.json).
 */
public final class SpuriousBackgroundBenchmark {

    private SpuriousBackgroundBenchmark() {}

    /**
     * One training run's numbers.
     *
     * @param method the augmentation
     * @param seed the run seed
     * @param accuracy average test accuracy
     * @param worstGroupAccuracy the lowest (class, background) group accuracy
     * @param trainSeconds training time
     */
    public record Result(String method, long seed, double accuracy, double worstGroupAccuracy, double trainSeconds) {}

    /**
     * Mean and sample standard deviation of one method.
     *
     * @param method the augmentation
     * @param runs the number of seeds
     * @param accuracyMean mean accuracy
     * @param accuracyStd its standard deviation
     * @param worstGroupMean mean worst-group accuracy
     * @param worstGroupStd its standard deviation
     * @param trainSecondsMean mean training time
     */
    public record Summary(String method, int runs, double accuracyMean, double accuracyStd, double worstGroupMean,
                          double worstGroupStd, double trainSecondsMean) {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        // Nothing downloads: DJL must find libtorch in the native jar on the class path.
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> options = parse(args);
        int trainPerClass = Integer.parseInt(options.getOrDefault("train-per-class", "300"));
        int testPerGroup = Integer.parseInt(options.getOrDefault("test-per-group", "20"));
        int epochs = Integer.parseInt(options.getOrDefault("epochs", "4"));
        int seeds = Integer.parseInt(options.getOrDefault("seeds", "3"));
        int batchSize = Integer.parseInt(options.getOrDefault("batch-size", "64"));
        double learningRate = Double.parseDouble(options.getOrDefault("learning-rate", "0.05"));
        double correlation = Double.parseDouble(options.getOrDefault("correlation", "0.95"));
        List<String> methods = List.of(options.getOrDefault("methods", "none,mixup,cutmix,de-da").split(","));
        Path out = Path.of(options.getOrDefault("out", "target/benchmarks/augmentation-spurious-backgrounds.json"));

        Map<String, Object> dataset = Map.of("seed", 0, "trainPerClass", trainPerClass, "testPerGroup", testPerGroup,
                "correlation", correlation);
        Map<String, Object> training = Map.of("epochs", epochs, "learningRate", learningRate, "batchSize", batchSize);
        List<Result> results = new ArrayList<>();
        Map<String, String> environment = Map.of();
        for (String method : methods) {
            for (long seed = 1; seed <= seeds; seed++) {
                Path runs = Files.createTempDirectory("perennial-spurious-" + method + "-");
                Perennial.Builder builder = Perennial.builder()
                        .name("spurious-backgrounds-" + method + "-seed" + seed)
                        .seed(seed)
                        .dataset("spurious-backgrounds", dataset)
                        .scenario("class-incremental", Map.of("increment", SpuriousBackgrounds.CLASSES))
                        .learner("finetune", Map.of())
                        .training(training)
                        .metric("accuracy", Map.of())
                        .metric("worst-group-accuracy", Map.of())
                        .runDirectory(runs);
                Map<String, Object> augmenterConfig = augmenterConfig(method);
                if (augmenterConfig != null) {
                    builder.augmenter(method, augmenterConfig);
                }
                RunReport report = builder.build().run();
                double[][] worst = report.otherMetrics().get("worst-group-accuracy");
                if (worst == null) {
                    throw new IllegalStateException("the run report has no 'worst-group-accuracy' matrix; it has "
                            + report.otherMetrics().keySet());
                }
                Result r = new Result(method, seed, report.score(0, 0), worst[0][0],
                        report.timings().getOrDefault("train", Double.NaN));
                results.add(r);
                environment = report.environment();
                System.out.printf(Locale.ROOT, "%-8s seed %d: accuracy %.4f, worst-group accuracy %.4f (%.0f s)%n",
                        method, seed, r.accuracy(), r.worstGroupAccuracy(), r.trainSeconds());
            }
        }
        List<Summary> summaries = summarise(methods, results);
        System.out.println();
        System.out.printf(Locale.ROOT, "Spurious backgrounds (Fashion-MNIST on CIFAR-10, train correlation %.2f, "
                + "%d train/class, %d test/group, %d epochs, %d seeds)%n", correlation, trainPerClass, testPerGroup,
                epochs, seeds);
        System.out.println("| augmentation | average accuracy | worst-group accuracy | train s/run |");
        System.out.println("|---|---|---|---|");
        for (Summary s : summaries) {
            System.out.printf(Locale.ROOT, "| %s | %.4f ± %.4f | %.4f ± %.4f | %.0f |%n", s.method(),
                    s.accuracyMean(), s.accuracyStd(), s.worstGroupMean(), s.worstGroupStd(), s.trainSecondsMean());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "augmentation/spurious-backgrounds");
        json.put("arguments", Arrays.asList(args));
        json.put("dataset", dataset);
        json.put("training", training);
        json.put("learner", "finetune (small-cnn)");
        json.put("summary", summaries);
        json.put("runs", results);
        json.put("environment", environment);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** The augmenter's configuration per method; null for none. */
    static Map<String, Object> augmenterConfig(String method) {
        return switch (method) {
            case "none" -> null;
            case "mixup", "cutmix" -> Map.of();
            // The data set ships the object masks, so de-da uses them instead of saliency.
            case "de-da" -> Map.of("maskSource", "dataset");
            default -> throw new IllegalArgumentException("--methods: unknown method '" + method
                    + "'; use none, mixup, cutmix, de-da");
        };
    }

    static List<Summary> summarise(List<String> methods, List<Result> results) {
        List<Summary> out = new ArrayList<>();
        for (String m : methods) {
            double[] acc = results.stream().filter(r -> r.method().equals(m)).mapToDouble(Result::accuracy).toArray();
            double[] wga = results.stream().filter(r -> r.method().equals(m))
                    .mapToDouble(Result::worstGroupAccuracy).toArray();
            double[] secs = results.stream().filter(r -> r.method().equals(m)).mapToDouble(Result::trainSeconds)
                    .toArray();
            out.add(new Summary(m, acc.length, mean(acc), std(acc), mean(wga), std(wga), mean(secs)));
        }
        return out;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
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
