package dev.perennial.benchmarks.distillation;

import static dev.perennial.benchmarks.distillation.DistillationBenchmark.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.data.ImageFolderConfig;
import dev.perennial.api.events.RunListener;
import dev.perennial.benchmarks.BenchmarkArgs;
import dev.perennial.benchmarks.vqa.MeanStd;
import dev.perennial.api.events.StepEvent;
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
 * Issue 26: which part of {@code cakd} costs the student accuracy at a small budget, and does loss scaling fix it.
 * Trains (or reuses) one ViT teacher on a CIFAR subset, then a ResNet-18 student per variant and seed, all through
 * the shared loop with the same data, schedule and seeds (paired: seed s is the same initialisation and batch order
 * for every variant). Variants: references {@code none}, {@code kd}, {@code ofa}; {@code cakd} in the paper's form (terms at weight 1,
 * {@code lossScaling: none}, as every cakd variant but {@code initial} and {@code grad-norm});
 * one term removed at a time ({@code -ts}, {@code -tf}, {@code -fs}: a pair; {@code -nce}, {@code -ofa}: a loss
 * kind; {@code -ce}: the student's cross-entropy); each UNVERIFIED switch flipped ({@code unfrozen},
 * {@code fs-both}, {@code fusion-ce}, {@code symmetric}, {@code cls-pool}, {@code proj-32}, {@code tau-0.2});
 * the loss-scaling remedies ({@code warmup}: ramp over the first quarter of the steps, {@code initial},
 * {@code grad-norm}) and combinations ({@code warmup+fusion-ce}, {@code grad-norm+fusion-ce}; on the default
 * scaling: {@code initial+warmup}, {@code initial-fs} without the fusion–student pair, {@code initial+cls},
 * {@code initial+warmup+cls}).
 *
 * <p>For every cakd variant the run checkpoints every {@code --eval-every} steps and scores both the student and
 * the assistant (fusion) model on the test images at each checkpoint ({@link AssistantAccuracy}), giving accuracy
 * curves; every run records its loss terms at every logged step. Prints a table of mean ± std over seeds and the
 * paired difference to {@code cakd} and to {@code none}; writes JSON after every run (a stopped run keeps what it
 * finished).
 *
 * <p>Arguments ({@code --name value}): {@code --data} (../shared/data/cifar10.zip), {@code --per-class} (100),
 * {@code --teacher-per-class} (400), {@code --image-size} (16), {@code --teacher-epochs} (20), {@code --epochs} (8),
 * {@code --seeds} (3), {@code --first-seed} (0: seeds first-seed … first-seed + seeds − 1, so that a run can be
 * split over processes and paired by seed), {@code --student-width} (16), {@code --batch-size} (64), {@code --variants} (all),
 * {@code --eval-every} (steps; default two epochs), {@code --teacher} (a teacher checkpoint to reuse; trained and
 * written there when absent; default next to the output), {@code --out} (target/benchmarks/cakd-ablation.json).
 */
public final class CakdAblation {

    private CakdAblation() {}

    /**
     * One variant.
     *
     * @param name its name
     * @param plugin the distiller, or none
     * @param overrides the distiller configuration beyond teacher and student
     * @param lossWeights the loop's term weights
     */
    public record Variant(String name, String plugin, Map<String, Object> overrides, Map<String, Double> lossWeights) {}

    /**
     * One run.
     *
     * @param variant the variant
     * @param seed the seed
     * @param accuracy the student's top-1 (the loop's)
     * @param assistant the assistant's top-1 at the end (NaN without cakd)
     * @param curve {step, student top-1, assistant top-1} at each checkpoint (cakd variants)
     * @param terms each logged step: the global step and every loss term
     */
    public record Run(String variant, long seed, double accuracy, double assistant, List<double[]> curve,
            List<Map<String, Double>> terms) {}

    /** A cakd variant on the paper's unscaled form ({@code lossScaling: none}) unless it sets the scaling. */
    private static Variant cakd(String name, Map<String, Object> overrides, Map<String, Double> lossWeights) {
        Map<String, Object> o = new LinkedHashMap<>(overrides);
        o.putIfAbsent("lossScaling", "none");
        return new Variant(name, "cakd", o, lossWeights);
    }

    static List<Variant> variants(int warmupSteps) {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("none", "none", Map.of(), Map.of()));
        v.add(new Variant("kd", "kd", Map.of(), Map.of()));
        v.add(new Variant("ofa", "ofa", Map.of(), Map.of()));
        v.add(cakd("cakd", Map.of(), Map.of()));
        v.add(cakd("-ts", Map.of("teacherStudentWeight", 0.0), Map.of()));
        v.add(cakd("-tf", Map.of("ablateTeacherFusionPair", true), Map.of()));
        v.add(cakd("-fs", Map.of("fusionStudentWeight", 0.0), Map.of()));
        v.add(cakd("-nce", Map.of("ablateInfoNce", true), Map.of()));
        v.add(cakd("-ofa", Map.of("ablateOfa", true), Map.of()));
        v.add(cakd("-ce", Map.of(), Map.of("ce", 0.0)));
        v.add(cakd("unfrozen", Map.of("freezeTeacherPartsInFusion", false), Map.of()));
        v.add(cakd("fs-both", Map.of("fusionToStudentGradient", "both"), Map.of()));
        v.add(cakd("fusion-ce", Map.of("fusionCe", true), Map.of()));
        v.add(cakd("symmetric", Map.of("infoNceSymmetric", true), Map.of()));
        v.add(cakd("cls-pool", Map.of("vitPooling", "cls"), Map.of()));
        v.add(cakd("proj-32", Map.of("projectionDim", 32), Map.of()));
        v.add(cakd("tau-0.2", Map.of("initialTemperature", 0.2), Map.of()));
        v.add(cakd("warmup", Map.of("warmupSteps", warmupSteps), Map.of()));
        v.add(cakd("initial", Map.of("lossScaling", "initial"), Map.of()));
        v.add(cakd("grad-norm", Map.of("lossScaling", "grad-norm"), Map.of()));
        v.add(cakd("warmup+fusion-ce", Map.of("warmupSteps", warmupSteps, "fusionCe", true),
                Map.of()));
        v.add(cakd("grad-norm+fusion-ce", Map.of("lossScaling", "grad-norm", "fusionCe", true),
                Map.of()));
        // Combinations on the default scaling (lossScaling: initial).
        v.add(cakd("initial+warmup", Map.of("lossScaling", "initial", "warmupSteps", warmupSteps), Map.of()));
        v.add(cakd("initial-fs", Map.of("lossScaling", "initial", "fusionStudentWeight", 0.0), Map.of()));
        v.add(cakd("initial+cls", Map.of("lossScaling", "initial", "vitPooling", "cls"), Map.of()));
        v.add(cakd("initial+warmup+cls", Map.of("lossScaling", "initial", "warmupSteps", warmupSteps, "vitPooling",
                "cls"), Map.of()));
        return v;
    }

    /**
     * Runs the ablation.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> o = BenchmarkArgs.parse(args, java.util.Set.of("batch-size", "data", "epochs",
                "eval-every", "first-seed", "image-size", "out", "per-class", "seeds", "student-width", "teacher",
                "teacher-epochs", "teacher-per-class", "variants"));
        String data = o.getOrDefault("data", "../shared/data/cifar10.zip");
        if (!Files.exists(Path.of(data))) {
            throw new IllegalArgumentException("--data: '" + data + "' does not exist; give the CIFAR zip");
        }
        int classes = data.contains("cifar100") ? 100 : 10;
        int perClass = Integer.parseInt(o.getOrDefault("per-class", "100"));
        int teacherPerClass = Integer.parseInt(o.getOrDefault("teacher-per-class", "400"));
        int imageSize = Integer.parseInt(o.getOrDefault("image-size", "16"));
        int teacherEpochs = Integer.parseInt(o.getOrDefault("teacher-epochs", "20"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "8"));
        int seeds = Integer.parseInt(o.getOrDefault("seeds", "3"));
        int firstSeed = Integer.parseInt(o.getOrDefault("first-seed", "0"));
        int batchSize = Integer.parseInt(o.getOrDefault("batch-size", "64"));
        int studentWidth = Integer.parseInt(o.getOrDefault("student-width", "16"));
        int stepsPerEpoch = (classes * perClass + batchSize - 1) / batchSize;
        int totalSteps = stepsPerEpoch * epochs;
        int evalEvery = Integer.parseInt(o.getOrDefault("eval-every", String.valueOf(2 * stepsPerEpoch)));
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/cakd-ablation.json"));
        Path runs = out.toAbsolutePath().getParent().resolve("cakd-ablation-runs");
        Path teacherFile = Path.of(o.getOrDefault("teacher", runs.resolve("teacher.safetensors").toString()));
        List<Variant> all = variants(Math.max(1, totalSteps / 4));
        List<Variant> chosen = all;
        if (o.containsKey("variants")) {
            List<String> names = List.of(o.get("variants").split(","));
            chosen = all.stream().filter(v -> names.contains(v.name())).toList();
            if (chosen.size() != names.size()) {
                throw new IllegalArgumentException("--variants: unknown name among " + names + "; known: "
                        + all.stream().map(Variant::name).toList());
            }
        }

        Map<String, Object> dataset = Map.of("path", data, "limitPerClass", perClass, "height", imageSize,
                "width", imageSize);
        ImageFolderConfig testData = new ImageFolderConfig(data, 3, imageSize, imageSize, perClass);
        Map<String, Object> teacherSpec = spec("vit", classes, imageSize, 64, 4, 4, 1.0, "");
        Map<String, Object> teacherTraining = Map.of("optimizer", "adamw", "learningRate", 1e-3, "weightDecay", 0.05,
                "schedule", "cosine", "epochs", teacherEpochs, "batchSize", batchSize, "gradientClipNorm", 5.0);
        double teacherAccuracy = Double.NaN;
        if (!Files.exists(teacherFile)) {
            RunReport t = Perennial.builder().name("cakd-ablation-teacher").seed(0)
                    .dataset("image-folder", Map.of("path", data, "limitPerClass", teacherPerClass, "height",
                            imageSize, "width", imageSize))
                    .scenario("class-incremental", Map.of("increment", classes))
                    .learner("distill-student", Map.of("model", teacherSpec, "saveTo", teacherFile.toString()))
                    .training(teacherTraining)
                    .metric("accuracy", Map.of())
                    .runDirectory(runs.resolve("teacher"))
                    .build().run();
            teacherAccuracy = t.score(0, 0);
            System.out.printf(Locale.ROOT, "teacher vit: accuracy %.4f%n", teacherAccuracy);
        } else {
            System.out.println("reusing teacher " + teacherFile);
        }
        Map<String, Object> teacher = new LinkedHashMap<>(teacherSpec);
        teacher.put("checkpoint", teacherFile.toAbsolutePath().toString());
        Map<String, Object> student = spec("resnet18", classes, imageSize, studentWidth, 0, 0, 1.0, "");
        Map<String, Object> training = new LinkedHashMap<>(Map.of("optimizer", "sgd", "learningRate", 0.05,
                "momentum", 0.9, "weightDecay", 5e-4, "schedule", "cosine", "epochs", epochs, "batchSize", batchSize,
                "logEverySteps", 4));

        List<Run> results = new ArrayList<>();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "distillation/cakd-ablation");
        json.put("arguments", Arrays.asList(args));
        json.put("dataset", dataset);
        json.put("teacher", Map.of("spec", teacher, "trainingAccuracyIfTrainedHere", teacherAccuracy));
        json.put("student", student);
        json.put("training", training);
        json.put("variants", chosen);
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            for (Variant v : chosen) {
                List<Map<String, Double>> terms = new ArrayList<>();
                List<double[]> curve = new ArrayList<>();
                Map<String, Object> distiller = new LinkedHashMap<>(v.overrides());
                distiller.put("teacher", teacher);
                if (!v.plugin().equals("kd")) {
                    distiller.put("student", student);
                }
                Map<String, Object> runTraining = new LinkedHashMap<>(training);
                if (!v.lossWeights().isEmpty()) {
                    runTraining.put("lossWeights", v.lossWeights());
                }
                boolean cakd = v.plugin().equals("cakd");
                Perennial.Builder b = Perennial.builder().name(runName(v.name())).seed(seed)
                        .dataset("image-folder", dataset)
                        .scenario("class-incremental", Map.of("increment", classes))
                        .learner("distill-student", Map.of("model", student))
                        .training(runTraining)
                        .metric("accuracy", Map.of())
                        .runDirectory(runs.resolve(runName(v.name()) + "-" + seed));
                if (!v.plugin().equals("none")) {
                    b.distiller(v.plugin(), distiller);
                }
                if (cakd) {
                    b.checkpointEverySteps(evalEvery);
                }
                RunReport r = b.build().run(new RunListener() {
                    @Override
                    public void onStep(StepEvent e) {
                        Map<String, Double> row = new LinkedHashMap<>();
                        row.put("step", (double) e.globalStep());
                        row.put("loss", e.loss());
                        row.putAll(e.terms());
                        terms.add(row);
                    }

                    @Override
                    public void onCheckpoint(Path directory) {
                        if (cakd && directory.getFileName().toString().startsWith("step-")) {
                            AssistantAccuracy a = AssistantAccuracy.evaluateCheckpoint(directory, student,
                                    distiller, testData, batchSize);
                            long step = Long.parseLong(directory.getFileName().toString().substring(5));
                            curve.add(new double[] {step, a.student(), a.assistant()});
                        }
                    }
                });
                double assistant = Double.NaN;
                if (cakd) {
                    AssistantAccuracy a = AssistantAccuracy.evaluate(Path.of(r.runDirectory()), student, distiller,
                            testData, batchSize);
                    if (Math.abs(a.student() - r.score(0, 0)) > 1e-9) {
                        throw new IllegalStateException("assistant evaluation reloaded a student scoring "
                                + a.student() + " but the run scored " + r.score(0, 0));
                    }
                    assistant = a.assistant();
                    curve.add(new double[] {totalSteps, a.student(), a.assistant()});
                }
                Run run = new Run(v.name(), seed, r.score(0, 0), assistant, curve, terms);
                results.add(run);
                Map<String, Double> last = terms.isEmpty() ? Map.of() : terms.get(terms.size() - 1);
                System.out.printf(Locale.ROOT, "%-20s seed %d: student %.4f%s, last logged ce %.3f, loss %.3f%n",
                        v.name(), seed, run.accuracy(), cakd ? String.format(Locale.ROOT, ", assistant %.4f",
                                assistant) : "", last.getOrDefault("ce", Double.NaN),
                        last.getOrDefault("loss", Double.NaN));
                json.put("runs", results);
                json.put("environment", r.environment());
                write(out, json);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "CIFAR-%d at %d px, ResNet-18 (width %d) on %d images per class, %d epochs "
                + "(%d steps), seeds %d-%d: student top-1 (mean ± std), paired difference to cakd and to none, "
                + "assistant top-1%n", classes, imageSize, studentWidth, perClass, epochs, totalSteps, firstSeed,
                firstSeed + seeds - 1);
        System.out.println("| variant | student | − cakd (paired) | − none (paired) | assistant |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Variant v : chosen) {
            double[] acc = accuracies(results, v.name());
            double[] assistant = results.stream().filter(r -> r.variant().equals(v.name()))
                    .mapToDouble(Run::assistant).toArray();
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", v.name(), MeanStd.of(acc).format(),
                    paired(acc, accuracies(results, "cakd")), paired(acc, accuracies(results, "none")),
                    MeanStd.of(assistant).format());
        }
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /**
     * The run's name and folder: a combination's '+' is not allowed in run names (letters, digits, '.', '_', '-'),
     * so {@code initial+warmup} runs as {@code cakd-ablation-initial_and_warmup}.
     */
    static String runName(String variant) {
        return "cakd-ablation-" + variant.replace("+", "_and_");
    }

    private static double[] accuracies(List<Run> results, String variant) {
        return results.stream().filter(r -> r.variant().equals(variant)).mapToDouble(Run::accuracy).toArray();
    }

    /** Mean ± std of a − b over the seeds both have. */
    private static String paired(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        if (n == 0) {
            return "–";
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
        }
        MeanStd m = MeanStd.of(d);
        return String.format(Locale.ROOT, "%+.4f ± %.4f", m.mean(), Double.isNaN(m.std()) ? 0 : m.std());
    }

    private static void write(Path out, Map<String, Object> json) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    }
}
