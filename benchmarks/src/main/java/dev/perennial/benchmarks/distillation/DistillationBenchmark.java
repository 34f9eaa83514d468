package dev.perennial.benchmarks.distillation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
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
 * Trains a ViT teacher on a CIFAR subset, then trains each student (ResNet-18 with the CIFAR stem, MobileNetV2)
 * with no distiller and with {@code kd}, {@code fitnet}, {@code ofa} and {@code cakd} against that teacher, all
 * through the shared training loop with the same data, schedule and seeds, and prints student top-1 side by side;
 * writes every number to a JSON file.
 *
 * <p>Arguments ({@code --name value}): {@code --data} (default {@code ../shared/data/cifar10.zip}),
 * {@code --per-class} (student images per class in each split, 50), {@code --teacher-per-class} (200),
 * {@code --image-size} (images are resized to this square size, 16), {@code --teacher-epochs} (15),
 * {@code --epochs} (student epochs, 8), {@code --seeds} (1), {@code --students} (resnet18,mobilenet-v2),
 * {@code --methods} (none,kd,fitnet,ofa,cakd; also cakd-tuned, the best cakd of the 16 px ablation, cakd-bank,
 * cakd with the memory-bank InfoNCE, and ofa-logits, ofa's final-logit term without its stage heads),
 * {@code --student-width} (ResNet base width, 16),
 * {@code --teacher-width} (ViT width, 64), {@code --teacher-depth} (4), {@code --teacher-patch} (ViT patch size, 4),
 * {@code --batch-size} (64), {@code --teacher} (a teacher checkpoint: reused when it exists, else trained and written
 * there; default a fresh one next to the output), {@code --out} (target/benchmarks/distillation-cifar.json). The JSON
 * file is rewritten after every run, so a stopped benchmark keeps the runs it finished. The defaults are sized for a
 * shared 2-core machine; the teacher
 * sees more images than the students, as a teacher trained on the full set would.
 */
public final class DistillationBenchmark {

    private DistillationBenchmark() {}

    /** The argument names (without {@code --}) the program accepts. */
    static final Set<String> ARGUMENTS = Set.of("data", "per-class", "teacher-per-class", "image-size",
            "teacher-epochs", "epochs", "seeds", "batch-size", "student-width", "teacher-width", "teacher-depth",
            "teacher-patch", "students", "methods", "teacher", "out");

    /**
     * One student run.
     *
     * @param student the student architecture
     * @param method the distiller, or none
     * @param seed the run seed
     * @param accuracy top-1 on the test subset
     * @param assistantAccuracy top-1 of cakd's assistant (fusion) model on the same images, NaN for other methods
     * @param trainSeconds training time (wall clock)
     * @param cpuSeconds the run's CPU seconds (the report's {@code timings.cpu}: training and evaluation, the
     *     assistant's scoring included)
     */
    public record Result(String student, String method, long seed, double accuracy, double assistantAccuracy,
            double trainSeconds, double cpuSeconds) {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> o = BenchmarkArgs.parse(args, ARGUMENTS);
        String data = o.getOrDefault("data", "../shared/data/cifar10.zip");
        if (!Files.exists(Path.of(data))) {
            throw new IllegalArgumentException("--data: '" + data + "' does not exist; give the CIFAR zip "
                    + "(train/<class>/*.jpg, test/<class>/*.jpg)");
        }
        int classes = data.contains("cifar100") ? 100 : 10;
        int perClass = Integer.parseInt(o.getOrDefault("per-class", "50"));
        int teacherPerClass = Integer.parseInt(o.getOrDefault("teacher-per-class", "200"));
        int imageSize = Integer.parseInt(o.getOrDefault("image-size", "16"));
        int teacherEpochs = Integer.parseInt(o.getOrDefault("teacher-epochs", "15"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "8"));
        int seeds = Integer.parseInt(o.getOrDefault("seeds", "1"));
        int batchSize = Integer.parseInt(o.getOrDefault("batch-size", "64"));
        int studentWidth = Integer.parseInt(o.getOrDefault("student-width", "16"));
        int teacherWidth = Integer.parseInt(o.getOrDefault("teacher-width", "64"));
        int teacherDepth = Integer.parseInt(o.getOrDefault("teacher-depth", "4"));
        int teacherPatch = Integer.parseInt(o.getOrDefault("teacher-patch", "4"));
        if (teacherPatch < 1 || imageSize % teacherPatch != 0) {
            throw new IllegalArgumentException("--teacher-patch: " + teacherPatch + " must divide --image-size "
                    + imageSize);
        }
        List<String> students = List.of(o.getOrDefault("students", "resnet18,mobilenet-v2").split(","));
        List<String> methods = List.of(o.getOrDefault("methods", "none,kd,fitnet,ofa,cakd").split(","));
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/distillation-cifar.json"));
        Path runs = out.toAbsolutePath().getParent().resolve("distillation-runs");
        Path teacherFile = o.containsKey("teacher") ? Path.of(o.get("teacher")).toAbsolutePath()
                : runs.resolve("teacher.safetensors");
        boolean reuseTeacher = o.containsKey("teacher") && Files.exists(teacherFile);

        Map<String, Object> dataset = Map.of("path", data, "limitPerClass", perClass, "height", imageSize,
                "width", imageSize);
        Map<String, Object> teacherDataset = Map.of("path", data, "limitPerClass", teacherPerClass, "height",
                imageSize, "width", imageSize);
        Map<String, Object> teacher = spec("vit", classes, imageSize, teacherWidth, teacherDepth, teacherPatch, 1.0,
                "");
        // AdamW for the ViT teacher and SGD for CNN students, as the OFA CIFAR recipes (cakd.md §3).
        Map<String, Object> teacherTraining = Map.of("optimizer", "adamw", "learningRate", 1e-3, "weightDecay", 0.05,
                "schedule", "cosine", "epochs", teacherEpochs, "batchSize", batchSize, "gradientClipNorm", 5.0);
        Map<String, Object> studentTraining = Map.of("optimizer", "sgd", "learningRate", 0.05, "momentum", 0.9,
                "weightDecay", 5e-4, "schedule", "cosine", "epochs", epochs, "batchSize", batchSize);

        double teacherAccuracy = Double.NaN;
        double teacherCpuSeconds = Double.NaN;
        Map<String, String> environment = Map.of();
        if (reuseTeacher) {
            System.out.println("reusing teacher " + teacherFile + " (its accuracy is in the run that trained it)");
        } else {
            RunReport teacherReport = Perennial.builder().name("distillation-teacher").seed(0)
                    .dataset("image-folder", teacherDataset)
                    .scenario("class-incremental", Map.of("increment", classes))
                    .learner("distill-student", Map.of("model", teacher, "saveTo", teacherFile.toString()))
                    .training(teacherTraining)
                    .metric("accuracy", Map.of())
                    .runDirectory(runs.resolve("teacher"))
                    .build().run();
            teacherAccuracy = teacherReport.score(0, 0);
            teacherCpuSeconds = teacherReport.timings().getOrDefault(RunReport.CPU_TIMING, Double.NaN);
            environment = teacherReport.environment();
            System.out.printf(Locale.ROOT, "teacher vit (width %d, depth %d, patch %d): accuracy %.4f (%.0f s, cpu %.0f"
                    + " s)%n", teacherWidth, teacherDepth, teacherPatch, teacherAccuracy,
                    teacherReport.timings().getOrDefault("train", Double.NaN), teacherCpuSeconds);
        }
        Map<String, Object> trainedTeacher = new LinkedHashMap<>(teacher);
        trainedTeacher.put("checkpoint", teacherFile.toString());

        List<Result> results = new ArrayList<>();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "distillation/cifar-" + classes);
        json.put("arguments", Arrays.asList(args));
        json.put("dataset", dataset);
        json.put("teacher", Map.of("spec", teacher, "dataset", teacherDataset, "training", teacherTraining,
                "accuracy", teacherAccuracy, "cpuSeconds", teacherCpuSeconds, "reused", reuseTeacher,
                "checkpoint", teacherFile.toString()));
        json.put("studentTraining", studentTraining);
        // Seed-major, so that a run stopped early still has every student and method for the seeds it finished.
        for (long seed = 0; seed < seeds; seed++) {
            for (String student : students) {
                Map<String, Object> studentSpec = student.equals("mobilenet-v2")
                        ? spec(student, classes, imageSize, 0, 0, 0, 0.5, "")
                        : spec(student, classes, imageSize, studentWidth, 0, 0, 1.0, "");
                for (String method : methods) {
                    Perennial.Builder b = Perennial.builder().name("distillation-" + student + "-" + method)
                            .seed(seed)
                            .dataset("image-folder", dataset)
                            .scenario("class-incremental", Map.of("increment", classes))
                            .learner("distill-student", Map.of("model", studentSpec))
                            .training(studentTraining)
                            .metric("accuracy", Map.of())
                            .runDirectory(runs.resolve(student + "-" + method + "-" + seed));
                    int stepsPerEpoch = (classes * perClass + batchSize - 1) / batchSize;
                    Map<String, Object> distiller = distillerConfig(method, trainedTeacher, studentSpec, student,
                            studentWidth, classes * perClass, stepsPerEpoch * epochs);
                    if (distiller != null) {
                        b.distiller(pluginOf(method), distiller);
                    }
                    RunReport r = b.build().run();
                    // cakd scores its assistant in the run (AuxiliaryModels): report.json's cakd.assistant.
                    double[][] fusion = r.otherMetrics().get("cakd.assistant");
                    double assistant = fusion == null ? Double.NaN : fusion[0][0];
                    Result result = new Result(student, method, seed, r.score(0, 0), assistant,
                            r.timings().getOrDefault("train", Double.NaN),
                            r.timings().getOrDefault(RunReport.CPU_TIMING, Double.NaN));
                    results.add(result);
                    System.out.printf(Locale.ROOT, "%-12s %-7s seed %d: accuracy %.4f%s (%.0f s, cpu %.0f s)%n",
                            student, method, seed, result.accuracy(), pluginOf(method).equals("cakd")
                                    ? String.format(Locale.ROOT, ", assistant %.4f", assistant) : "",
                            result.trainSeconds(), result.cpuSeconds());
                    if (environment.isEmpty()) {
                        environment = r.environment();
                    }
                    json.put("runs", results);
                    json.put("processCpuSeconds", processCpuSeconds());
                    json.put("environment", environment);
                    write(out, json);
                }
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "CIFAR-%d at %d px, students on %d images per class and split (teacher on %d),"
                + " teacher ViT %.4f, %d student epochs, %d seed(s): student top-1%n", classes, imageSize, perClass,
                teacherPerClass, teacherAccuracy, epochs, seeds);
        StringBuilder header = new StringBuilder("| student |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String m : methods) {
            header.append(' ').append(m).append(" |");
            rule.append("---|");
        }
        List<String> assistants = methods.stream().filter(m -> pluginOf(m).equals("cakd")).toList();
        for (String m : assistants) {
            header.append(' ').append(m).append(" assistant |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        for (String student : students) {
            StringBuilder row = new StringBuilder("| " + student + " |");
            for (String m : methods) {
                double[] acc = results.stream().filter(r -> r.student().equals(student) && r.method().equals(m))
                        .mapToDouble(Result::accuracy).toArray();
                row.append(' ').append(MeanStd.of(acc).format()).append(" |");
            }
            for (String m : assistants) {
                double[] acc = results.stream().filter(r -> r.student().equals(student) && r.method().equals(m))
                        .mapToDouble(Result::assistantAccuracy).toArray();
                row.append(' ').append(MeanStd.of(acc).format()).append(" |");
            }
            System.out.println(row);
        }
        json.put("runs", results);
        json.put("processCpuSeconds", processCpuSeconds());
        System.out.printf(Locale.ROOT, "process CPU time %.0f s%n", processCpuSeconds());
        json.put("environment", environment);
        write(out, json);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /**
     * The distiller plugin a method runs: {@code cakd-bank} is {@code cakd} with the memory-bank InfoNCE,
     * {@code ofa-logits} is {@code ofa} without its stage heads.
     */
    static String pluginOf(String method) {
        return switch (method) {
            case "cakd-bank", "cakd-tuned" -> "cakd";
            case "ofa-logits" -> "ofa";
            default -> method;
        };
    }

    /**
     * A distiller's configuration per method, at the spec defaults; null for none. {@code cakd-bank} sizes the
     * memory bank to the training images (their ids are 0..N-1) and takes CRD's 16,384 negatives or, with fewer
     * images, every other row. {@code cakd-tuned} is the best configuration of the 16 px ablation
     * (BENCHMARKS.md, issue 26): {@code initial} scaling, a warm-up over the first quarter of the steps and the
     * ViT teacher's class token, the warm-up sized from {@code totalSteps} (the student's optimizer steps).
     */
    static Map<String, Object> distillerConfig(String method, Map<String, Object> teacher,
            Map<String, Object> student, String studentArch, int studentWidth, int trainImages, int totalSteps) {
        return switch (method) {
            case "none" -> null;
            case "kd" -> Map.of("teacher", teacher);
            // OFAKD's loss: final logits and the projector heads of student stages 1-4.
            case "ofa" -> Map.of("teacher", teacher, "student", student);
            // The final-logit OFA term alone (what 'ofa' was before the stage heads).
            case "ofa-logits" -> Map.of("teacher", teacher, "stages", List.of());
            // The pooled feature width of the student: ResNet-18 8·width, MobileNetV2 (0.5) 1280.
            case "fitnet" -> Map.of("teacher", teacher, "studentDim",
                    studentArch.equals("mobilenet-v2") ? 1280 : 8 * studentWidth);
            // MobileNetV2 below 32 px ends stage 3 at 1x1, which cakd refuses unless told (BENCHMARKS.md records
            // the runs made that way).
            case "cakd" -> Map.of("teacher", teacher, "student", student, "allowPointStageMap",
                    studentArch.equals("mobilenet-v2"));
            case "cakd-tuned" -> Map.of("teacher", teacher, "student", student, "allowPointStageMap",
                    studentArch.equals("mobilenet-v2"), "lossScaling", "initial", "warmupSteps",
                    Math.max(1, totalSteps / 4), "vitPooling", "cls");
            case "cakd-bank" -> Map.of("teacher", teacher, "student", student, "infoNceMode", "memory-bank",
                    "memoryBankSize", trainImages, "memoryBankNegatives", Math.min(16_384, trainImages - 1),
                    "allowPointStageMap", studentArch.equals("mobilenet-v2"));
            default -> throw new IllegalArgumentException("--methods: unknown method '" + method
                    + "'; use none, kd, fitnet, ofa, ofa-logits, cakd, cakd-tuned, cakd-bank");
        };
    }

    /** A teacher or student model spec (CakdAblation builds its models the same way). */
    static Map<String, Object> spec(String architecture, int classes, int imageSize, int width, int depth,
            int patch, double widthMultiplier, String checkpoint) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", architecture);
        m.put("numClasses", classes);
        m.put("imageSize", imageSize);
        m.put("width", width);
        m.put("depth", depth);
        m.put("heads", architecture.equals("vit") ? Math.max(1, width / 32) : 0);
        m.put("patchSize", patch);
        m.put("widthMultiplier", widthMultiplier);
        m.put("cifarStem", true);
        m.put("checkpoint", checkpoint);
        return m;
    }

    /** CPU time of this process so far (every run, the teacher's included). */
    private static double processCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    private static void write(Path out, Map<String, Object> json) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    }
}
