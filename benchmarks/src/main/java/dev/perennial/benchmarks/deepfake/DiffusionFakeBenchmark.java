package dev.perennial.benchmarks.deepfake;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.benchmarks.BenchmarkArgs;
import dev.perennial.benchmarks.vqa.MeanStd;
import dev.perennial.deepfake.eval.RocCurve;
import dev.perennial.deepfake.synthetic.SyntheticFaces;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.cnn.ResNetConfig;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * DiffusionFake (specs/deepfake.md Part D) on this CPU: the {@code deepfake-detector} (a small cifar-stem ResNet)
 * trained in the shared loop on the FS face swaps of {@link SyntheticForgeryProtocol} (DF40's P1, trained on FS),
 * with and without the {@code diffusionfake} head over the tiny frozen generator of {@link TinyLatentDiffusion}
 * (pre-trained on real faces only; written first when {@code --generator} holds none). Paired seeds: seed s renders
 * the same data and initialises both arms alike. Reports frame AUC and both EERs of the spec (§C.3: DeepfakeBench's
 * nearest point and DiffusionFake's interpolated ROC crossing, the plugin's {@link RocCurve}) on each P1 test group:
 * FSAll_ff (in distribution) and the held-out forgery types FRAll_ff and EFSAll_ff, as mean ± std over seeds and the
 * paired difference (with − without). The loop itself evaluates the held-out groups together ({@code frame-auc},
 * {@code eer}, {@code eer-roc-crossing}); the per-group scores come from the run's saved detector, and the program
 * checks that its own held-out union agrees with the loop's.
 *
 * <p>Arguments ({@code --name value}): {@code --generator} (target/diffusionfake-generator), {@code --seeds} (3),
 * {@code --first-seed} (1), {@code --epochs} (12), {@code --batch-size} (16), {@code --learning-rate} (0.001),
 * {@code --train-videos} (256), {@code --test-videos} (48), {@code --frames} (4), {@code --base-width} (8),
 * {@code --arms} (baseline,diffusionfake), {@code --out} (target/benchmarks/diffusionfake.json).
 */
public final class DiffusionFakeBenchmark {
    /** The {@code --name} arguments this program accepts. */
    private static final Set<String> ARGUMENTS = Set.of(
            "arms", "base-width", "batch-size", "epochs", "first-seed", "frames", "generator", "learning-rate", "out",
            "seeds", "test-videos", "train-videos");

    private static final int SIZE = 16;
    private static final List<Integer> LAYERS = List.of(1, 1, 1, 1);

    private DiffusionFakeBenchmark() {}

    /**
     * Scores of one test group.
     *
     * @param auc frame AUC
     * @param eerNearestPoint DeepfakeBench's EER (nearest ROC point)
     * @param eerInterpolated DiffusionFake's EER (interpolated ROC crossing)
     * @param reals real frames
     * @param fakes fake frames
     */
    public record GroupScores(double auc, double eerNearestPoint, double eerInterpolated, int reals, int fakes) {
        static GroupScores of(double[] scores, boolean[] fake) {
            RocCurve roc = RocCurve.of(scores, fake);
            int f = 0;
            for (boolean b : fake) {
                f += b ? 1 : 0;
            }
            return new GroupScores(roc.auc(), roc.eerNearestPoint(), roc.eerInterpolated(), fake.length - f, f);
        }
    }

    /**
     * One run.
     *
     * @param arm {@code baseline} or {@code diffusionfake}
     * @param seed the paired seed
     * @param groups per test group (and {@code held-out}, FR and EFS together), the detector's scores
     * @param loopHeldOut the loop's own frame-auc, eer, eer-roc-crossing on the held-out groups together
     * @param finalTerms the mean of each loss term over the last epoch's logged steps
     */
    public record Run(String arm, long seed, Map<String, GroupScores> groups, Map<String, Double> loopHeldOut,
                      Map<String, Double> finalTerms) {}

    /**
     * One arm and group over the seeds.
     *
     * @param arm the arm
     * @param group the test group
     * @param auc mean ± std
     * @param eerNearestPoint mean ± std
     * @param eerInterpolated mean ± std
     */
    public record Summary(String arm, String group, MeanStd auc, MeanStd eerNearestPoint, MeanStd eerInterpolated) {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when the generator or the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> o = BenchmarkArgs.parse(args, ARGUMENTS);
        Path generator = Path.of(o.getOrDefault("generator", "target/diffusionfake-generator"));
        int seeds = Integer.parseInt(o.getOrDefault("seeds", "3"));
        int firstSeed = Integer.parseInt(o.getOrDefault("first-seed", "1"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "12"));
        int batchSize = Integer.parseInt(o.getOrDefault("batch-size", "16"));
        double learningRate = Double.parseDouble(o.getOrDefault("learning-rate", "0.001"));
        int trainVideos = Integer.parseInt(o.getOrDefault("train-videos", "256"));
        int testVideos = Integer.parseInt(o.getOrDefault("test-videos", "48"));
        int frames = Integer.parseInt(o.getOrDefault("frames", "4"));
        int baseWidth = Integer.parseInt(o.getOrDefault("base-width", "8"));
        List<String> arms = List.of(o.getOrDefault("arms", "baseline,diffusionfake").split(","));
        for (String a : arms) {
            if (!a.equals("baseline") && !a.equals("diffusionfake")) {
                throw new IllegalArgumentException("--arms: unknown arm '" + a + "'; use baseline, diffusionfake");
            }
        }
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/diffusionfake.json"));

        ObjectMapper json = new ObjectMapper();
        Path pretrainingFile = generator.resolve("pretraining.json");
        if (arms.contains("diffusionfake") && !Files.isRegularFile(generator.resolve("unet/config.json"))) {
            System.out.println("no generator in " + generator.toAbsolutePath() + ": pre-training one (TinyLatentDiffusion"
                    + " defaults)");
            TinyLatentDiffusion.pretrain(TinyLatentDiffusion.Settings.defaults(), generator, System.out);
        }
        JsonNode pretraining = Files.isRegularFile(pretrainingFile) ? json.readTree(pretrainingFile.toFile()) : null;
        if (pretraining == null && arms.contains("diffusionfake")) {
            System.out.println("WARNING: " + generator + " has no pretraining.json: the generator was not pre-trained by"
                    + " TinyLatentDiffusion and may be untrained; its reconstructions then mean nothing");
        }
        JsonNode settings = pretraining == null ? null : pretraining.get("settings");
        Map<String, Object> distiller = new LinkedHashMap<>();
        distiller.put("unet", generator.resolve("unet").toAbsolutePath().toString());
        distiller.put("vae", generator.resolve("vae").toAbsolutePath().toString());
        distiller.put("featureChannels", 8 * baseWidth);
        distiller.put("latentSize", SIZE / 2);
        distiller.put("upsamplings", 2);
        distiller.put("filterChannels", 8);
        distiller.put("heads", 4);
        distiller.put("weightChannels", List.of(16, 8));
        distiller.put("weightHidden", 8);
        distiller.put("timesteps", settings == null ? 100 : settings.get("timesteps").asInt());
        distiller.put("betaStart", settings == null ? 1e-4 : settings.get("betaStart").asDouble());
        distiller.put("betaEnd", settings == null ? 0.02 : settings.get("betaEnd").asDouble());
        distiller.put("betaSchedule", "linear");
        Map<String, Object> learner = Map.of("layers", LAYERS, "baseWidth", baseWidth, "cifarStem", true,
                "featureStage", "layer4", "featureOutput", "feature_map");
        Map<String, Object> training = Map.of("epochs", epochs, "batchSize", batchSize, "optimizer", "adamw",
                "learningRate", learningRate, "dataWorkers", 1, "logEverySteps", 1);

        List<Run> runs = new ArrayList<>();
        Map<String, String> environment = Map.of();
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SyntheticForgeryProtocolConfig dataConfig = new SyntheticForgeryProtocolConfig(SIZE, trainVideos,
                    testVideos, frames, 0.5, 0.5, seed, SyntheticForgeryProtocol.HELD_OUT);
            SyntheticForgeryProtocol data = new SyntheticForgeryProtocol(dataConfig);
            Map<String, Object> dataset = Map.of("size", SIZE, "trainVideos", trainVideos, "testVideos", testVideos,
                    "framesPerVideo", frames, "fakeFraction", 0.5, "minStrength", 0.5, "seed", seed,
                    "evaluateOn", SyntheticForgeryProtocol.HELD_OUT);
            for (String arm : arms) {
                Path runDir = Files.createTempDirectory("perennial-diffusionfake-" + arm + "-");
                Perennial.Builder b = Perennial.builder()
                        .name("diffusionfake-" + arm + "-seed" + seed)
                        .seed(seed)
                        .dataset("synthetic-forgery-protocol", dataset)
                        .scenario("class-incremental", Map.of("increment", 2))
                        .learner("deepfake-detector", learner)
                        .metric("frame-auc", Map.of())
                        .metric("eer", Map.of())
                        .metric("eer-roc-crossing", Map.of())
                        .training(training)
                        .runDirectory(runDir);
                if (arm.equals("diffusionfake")) {
                    b.distiller("diffusionfake", distiller);
                }
                RunReport report = b.build().run();
                environment = report.environment();
                Map<String, Double> loop = new LinkedHashMap<>();
                loop.put("frame-auc", report.accuracyMatrix()[0][0]);
                loop.put("eer", report.otherMetrics().get("eer")[0][0]);
                loop.put("eer-roc-crossing", report.otherMetrics().get("eer-roc-crossing")[0][0]);
                Map<String, GroupScores> groups = evaluate(Path.of(report.runDirectory()), baseWidth, data);
                GroupScores union = groups.get(SyntheticForgeryProtocol.HELD_OUT);
                if (Math.abs(union.auc() - loop.get("frame-auc")) > 1e-4) {
                    throw new IllegalStateException("the saved detector's held-out AUC " + union.auc()
                            + " differs from the loop's " + loop.get("frame-auc") + " (run " + report.runDirectory()
                            + "): the checkpoint was not read back as trained");
                }
                Run r = new Run(arm, seed, groups, loop, lastEpochTerms(Path.of(report.runDirectory())));
                runs.add(r);
                System.out.printf(Locale.ROOT, "%-13s seed %d: FS AUC %.4f | FR AUC %.4f | EFS AUC %.4f | held-out"
                        + " AUC %.4f, EER %.4f (nearest) %.4f (interpolated) | terms %s%n", arm, seed,
                        groups.get("FSAll_ff").auc(), groups.get("FRAll_ff").auc(), groups.get("EFSAll_ff").auc(),
                        union.auc(), union.eerNearestPoint(), union.eerInterpolated(), r.finalTerms());
                write(out, args, dataset, learner, distiller, training, pretraining, runs, environment);
            }
        }
        print(arms, runs, seeds, epochs, trainVideos, testVideos, frames, pretraining);
        write(out, args, Map.of("trainVideos", trainVideos, "testVideos", testVideos, "framesPerVideo", frames),
                learner, distiller, training, pretraining, runs, environment);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    private static List<String> allGroups() {
        List<String> g = new ArrayList<>(SyntheticForgeryProtocol.GROUPS);
        g.add(SyntheticForgeryProtocol.HELD_OUT);
        return g;
    }

    /** The saved detector's scores on every test group and on the held-out groups together. */
    static Map<String, GroupScores> evaluate(Path runDirectory, int baseWidth, SyntheticForgeryProtocol data)
            throws IOException {
        Path model;
        try (Stream<Path> s = Files.walk(runDirectory)) {
            model = s.filter(p -> p.getFileName().toString().equals(Checkpoints.SINGLE_FILE))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified())).orElseThrow(
                            () -> new IllegalStateException("no " + Checkpoints.SINGLE_FILE + " under " + runDirectory));
        }
        Map<String, GroupScores> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(); TensorSource source = Checkpoints.open(model)) {
            ResNet net = new ResNet(new ResNetConfig(ResNetConfig.Block.BASIC, LAYERS, baseWidth, 2, true, 3));
            net.initialize(m, DataType.FLOAT32, new Shape(1, SyntheticFaces.CHANNELS, SIZE, SIZE));
            for (Pair<String, Parameter> p : net.getParameters()) {
                String name = "learner/" + p.getKey();
                NDArray saved = source.read(name, m);
                NDArray own = p.getValue().getArray();
                if (!saved.getShape().equals(own.getShape())) {
                    throw new IllegalStateException(model + ": " + name + " has shape " + saved.getShape()
                            + ", the detector expects " + own.getShape());
                }
                own.set(saved.toFloatArray());
            }
            ParameterStore ps = new ParameterStore(m, false);
            for (String g : allGroups()) {
                List<SyntheticFaces.Sample> samples = g.equals(SyntheticForgeryProtocol.HELD_OUT)
                        ? data.evaluation(g) : data.group(g);
                double[] scores = new double[samples.size()];
                boolean[] fake = new boolean[samples.size()];
                int n = SyntheticFaces.CHANNELS * SIZE * SIZE;
                for (int from = 0; from < samples.size(); from += 64) {
                    int c = Math.min(64, samples.size() - from);
                    float[] flat = new float[c * n];
                    for (int i = 0; i < c; i++) {
                        System.arraycopy(TinyLatentDiffusion.toSigned(samples.get(from + i).image()), 0, flat, i * n,
                                n);
                        fake[from + i] = samples.get(from + i).fake();
                    }
                    try (NDScope scope = new NDScope()) {
                        NDArray x = Owned.floats(m, flat, new Shape(c, SyntheticFaces.CHANNELS, SIZE, SIZE));
                        float[] p = net.head(ps, net.features(ps, x, false).pooled(), false).softmax(1)
                                .get(":, 1").toFloatArray();
                        for (int i = 0; i < c; i++) {
                            scores[from + i] = p[i];
                        }
                    }
                }
                out.put(g, GroupScores.of(scores, fake));
            }
        }
        return out;
    }

    /** The mean of each loss term over the last epoch's logged steps (metrics.jsonl; empty when absent). */
    private static Map<String, Double> lastEpochTerms(Path runDirectory) throws IOException {
        Path log;
        try (Stream<Path> s = Files.walk(runDirectory)) {
            log = s.filter(p -> p.getFileName().toString().equals("metrics.jsonl")).findFirst().orElse(null);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        if (log == null) {
            return out;
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode n = json.readTree(line);
            if (n.has("terms") && n.get("terms").has("ce")) {
                steps.add(n);
            }
        }
        if (steps.isEmpty()) {
            return out;
        }
        JsonNode last = steps.get(steps.size() - 1);
        String epochField = last.has("epoch") ? "epoch" : null;
        List<JsonNode> tail = epochField == null ? steps.subList(Math.max(0, steps.size() - 10), steps.size())
                : steps.stream().filter(n -> n.get("epoch").asInt() == last.get("epoch").asInt()).toList();
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (JsonNode n : tail) {
            n.get("terms").fields().forEachRemaining(e -> {
                double[] a = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
                a[0] += e.getValue().asDouble();
                a[1]++;
            });
        }
        sums.forEach((k, a) -> out.put(k, Math.round(a[0] / a[1] * 1e5) / 1e5));
        return out;
    }

    /** Per arm and group, mean ± std over seeds. */
    static List<Summary> summarise(List<String> arms, List<Run> runs) {
        List<Summary> out = new ArrayList<>();
        for (String arm : arms) {
            List<Run> rs = runs.stream().filter(r -> r.arm().equals(arm)).toList();
            for (String g : allGroups()) {
                out.add(new Summary(arm, g, MeanStd.of(rs.stream().mapToDouble(r -> r.groups().get(g).auc()).toArray()),
                        MeanStd.of(rs.stream().mapToDouble(r -> r.groups().get(g).eerNearestPoint()).toArray()),
                        MeanStd.of(rs.stream().mapToDouble(r -> r.groups().get(g).eerInterpolated()).toArray())));
            }
        }
        return out;
    }

    /** Per group, the paired difference (diffusionfake − baseline) over the seeds both arms ran. */
    static List<Summary> pairedDifferences(List<Run> runs) {
        List<Summary> out = new ArrayList<>();
        for (String g : allGroups()) {
            List<double[]> d = new ArrayList<>();
            for (Run with : runs) {
                if (!with.arm().equals("diffusionfake")) {
                    continue;
                }
                runs.stream().filter(r -> r.arm().equals("baseline") && r.seed() == with.seed()).findFirst()
                        .ifPresent(without -> d.add(new double[] {
                            with.groups().get(g).auc() - without.groups().get(g).auc(),
                            with.groups().get(g).eerNearestPoint() - without.groups().get(g).eerNearestPoint(),
                            with.groups().get(g).eerInterpolated() - without.groups().get(g).eerInterpolated()}));
            }
            if (!d.isEmpty()) {
                out.add(new Summary("diffusionfake - baseline", g,
                        MeanStd.of(d.stream().mapToDouble(x -> x[0]).toArray()),
                        MeanStd.of(d.stream().mapToDouble(x -> x[1]).toArray()),
                        MeanStd.of(d.stream().mapToDouble(x -> x[2]).toArray())));
            }
        }
        return out;
    }

    private static void print(List<String> arms, List<Run> runs, int seeds, int epochs, int trainVideos,
                              int testVideos, int frames, JsonNode pretraining) {
        System.out.println();
        System.out.printf(Locale.ROOT, "DF40 P1 on synthetic forgeries (train FS swaps, %d identities x %d frames;"
                + " test %d identities per family), %d px, ResNet [1,1,1,1], %d epochs, %d paired seeds%n",
                trainVideos, frames, testVideos, SIZE, epochs, seeds);
        if (pretraining != null) {
            System.out.printf(Locale.ROOT, "frozen generator: held-out VAE reconstruction %.4f -> %.4f, UNet epsilon"
                    + " loss %.4f -> %.4f%n", pretraining.get("vaeHeldOutBefore").asDouble(),
                    pretraining.get("vaeHeldOutAfter").asDouble(), pretraining.get("unetHeldOutBefore").asDouble(),
                    pretraining.get("unetHeldOutAfter").asDouble());
        }
        System.out.println("| arm | test group | frame AUC | EER (nearest point, DeepfakeBench) | EER (interpolated, "
                + "DiffusionFake) |");
        System.out.println("|---|---|---|---|---|");
        List<Summary> rows = new ArrayList<>(summarise(arms, runs));
        rows.addAll(pairedDifferences(runs));
        for (Summary s : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", s.arm(),
                    s.group().equals(SyntheticForgeryProtocol.HELD_OUT) ? "FR + EFS (held out, together)"
                            : SyntheticForgeryProtocol.HELD_OUT_GROUPS.contains(s.group()) ? s.group() + " (held out)"
                            : s.group() + " (trained family)",
                    s.auc().format(), s.eerNearestPoint().format(), s.eerInterpolated().format());
        }
    }

    private static void write(Path out, String[] args, Map<String, Object> dataset, Map<String, Object> learner,
                              Map<String, Object> distiller, Map<String, Object> training, JsonNode pretraining,
                              List<Run> runs, Map<String, String> environment) throws IOException {
        List<String> arms = runs.stream().map(Run::arm).distinct().toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "deepfake/diffusionfake");
        json.put("arguments", Arrays.asList(args));
        json.put("protocol", "DF40 P1, train FS; test groups " + SyntheticForgeryProtocol.GROUPS + ", held out "
                + SyntheticForgeryProtocol.HELD_OUT_GROUPS);
        json.put("dataset", dataset);
        json.put("learner", learner);
        json.put("distiller", distiller);
        json.put("training", training);
        json.put("generatorPretraining", pretraining);
        json.put("summary", summarise(arms, runs));
        json.put("pairedDifference", pairedDifferences(runs));
        json.put("runs", runs);
        json.put("environment", environment);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    }
}
