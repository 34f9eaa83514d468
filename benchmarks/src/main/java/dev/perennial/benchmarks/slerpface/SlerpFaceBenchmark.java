package dev.perennial.benchmarks.slerpface;

import dev.perennial.benchmarks.BenchmarkArgs;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.baseline.RandomProjectionConfig;
import dev.perennial.slerpface.faces.GeneratedFaces;
import dev.perennial.slerpface.faces.GeneratedFacesConfig;
import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import dev.perennial.slerpface.security.InversionAttack;
import dev.perennial.slerpface.security.ProtectorEvaluation;
import dev.perennial.slerpface.security.RidgeInverter;
import dev.perennial.slerpface.security.SchemeUnderTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SlerpFace on generated faces (issue #9): trains the {@code slerpface-grouping} recogniser on
 * {@code generated-faces} training identities through the shared loop, extracts grouped templates (flip-sum, group
 * features and attention weights) for identities the recogniser never saw (attacker identities and, disjoint from
 * them, test identities), and prints side by side for {@code none}, {@code random-projection} (BioHashing) and
 * {@code slerpface}: 10-fold verification accuracy and TAR at FAR = 1e-3 on the test identities, unlinkability
 * D↔sys, three inversion attacks ((1) the key-known inverse with the stolen key, (2) a ridge regression from
 * protected to raw templates, (3) an image decoder from protected template to face image whose output goes back
 * through the recogniser) and revocation. The protocol is the plugin's {@link ProtectorEvaluation} (one
 * implementation for the synthetic clusters and for faces); this program adds the trained recogniser, the faces
 * and attack 3 ({@link ImageDecoderAttack}).
 *
 * <p>The scheme comparison without attack 3 is also a sweep, each scheme a run of the loop scored by the plugin's
 * {@code slerpface-*} metrics ({@code benchmarks/sweeps/slerpface.yaml}, BENCHMARKS.md "SlerpFace as a sweep"). This
 * program stays for what a run cannot give: attack 3 (in both tables), whose decoder trains against the recogniser
 * inside the evaluation.
 *
 * <p>Arguments ({@code --name value}, all optional): recogniser training: {@code --identities 200}
 * {@code --train-images 15} {@code --test-images 3} {@code --size 32} {@code --face-seed 7} {@code --layers 1,1,1,1}
 * {@code --width 16} {@code --arcface-scale 16} {@code --arcface-margin 0.2} {@code --epochs 8}
 * {@code --batch-size 64} {@code --lr 0.02}; evaluation: {@code --attacker-identities 150}
 * {@code --test-identities 60} {@code --images 4} {@code --bits 128} (BioHash output bits; default m·d/2)
 * {@code --schemes none,random-projection,slerpface,slerpface-no-dropout} {@code --ridge-lambda 1}
 * {@code --seed 1}; decoder: {@code --decoder-channels 128} {@code --decoder-epochs 40} {@code --decoder-batch 32}
 * {@code --decoder-lr 0.002}; {@code --out target/benchmarks/slerpface-faces.json}.
 */
public final class SlerpFaceBenchmark {

    private static final Set<String> OPTIONS = Set.of("identities", "train-images", "test-images", "size", "face-seed",
            "layers", "width", "arcface-scale", "arcface-margin", "epochs", "batch-size", "lr", "attacker-identities",
            "test-identities", "images", "bits", "schemes", "ridge-lambda", "seed", "decoder-channels",
            "decoder-epochs", "decoder-batch", "decoder-lr", "out");
    private static final double FAR = 1e-3;

    private SlerpFaceBenchmark() {}

    /**
     * Runs the benchmark and prints the tables.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Instant started = Instant.now();
        String loadBefore = BenchmarkArgs.loadAverage();
        Map<String, String> o = BenchmarkArgs.parse(args, OPTIONS);
        int identities = BenchmarkArgs.integer(o, "identities", 200);
        GeneratedFacesConfig faces = new GeneratedFacesConfig(identities, BenchmarkArgs.integer(o, "train-images", 15),
                BenchmarkArgs.integer(o, "test-images", 3), BenchmarkArgs.integer(o, "size", 32), Long.parseLong(o.getOrDefault("face-seed", "7")));
        List<Integer> layers = BenchmarkArgs.integers(o.getOrDefault("layers", "1,1,1,1"), "layers");
        SlerpFaceLearnerConfig learner = new SlerpFaceLearnerConfig(layers, BenchmarkArgs.integer(o, "width", 16), true, 16,
                BenchmarkArgs.real(o, "arcface-scale", 16), BenchmarkArgs.real(o, "arcface-margin", 0.2), false);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("optimizer", "sgd");
        training.put("learningRate", BenchmarkArgs.real(o, "lr", 0.02));
        training.put("momentum", 0.9);
        training.put("weightDecay", 5e-4);
        training.put("schedule", "cosine");
        // warm-up and clipping: the plugin README records a collapse to an all-zero group map at lr 0.05 without them
        training.put("warmupSteps", 20);
        training.put("gradientClipNorm", 5.0);
        training.put("epochs", BenchmarkArgs.integer(o, "epochs", 8));
        training.put("batchSize", BenchmarkArgs.integer(o, "batch-size", 64));
        int attackers = BenchmarkArgs.integer(o, "attacker-identities", 150);
        int tests = BenchmarkArgs.integer(o, "test-identities", 60);
        int images = BenchmarkArgs.integer(o, "images", 4);
        double ridgeLambda = BenchmarkArgs.real(o, "ridge-lambda", 1.0);
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        List<String> schemeNames = List.of(o.getOrDefault("schemes",
                "none,random-projection,slerpface,slerpface-no-dropout").split(","));
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/slerpface-faces.json"));
        Path runs = out.toAbsolutePath().getParent().resolve("slerpface-runs");

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("faces", faces);
        settings.put("learner", learner);
        settings.put("training", training);
        settings.put("attackerIdentities", attackers);
        settings.put("testIdentities", tests);
        settings.put("imagesPerIdentity", images);
        settings.put("ridgeLambda", ridgeLambda);
        settings.put("far", FAR);
        settings.put("seed", seed);
        System.out.println("settings: " + settings);

        // 1. the recogniser, trained through the shared loop on the training identities (one task, all identities)
        Map<String, Object> learnerMap = new LinkedHashMap<>();
        learnerMap.put("layers", learner.layers());
        learnerMap.put("baseWidth", learner.baseWidth());
        learnerMap.put("cifarStem", learner.cifarStem());
        learnerMap.put("groupSize", learner.groupSize());
        learnerMap.put("arcFaceScale", learner.arcFaceScale());
        learnerMap.put("arcFaceMargin", learner.arcFaceMargin());
        learnerMap.put("flipMirrorBack", learner.flipMirrorBack());
        RunReport report = Perennial.builder().name("slerpface-recogniser").seed(seed)
                .dataset("generated-faces", Map.of("identities", faces.identities(), "trainImages",
                        faces.trainImages(), "testImages", faces.testImages(), "size", faces.size(), "seed",
                        faces.seed()))
                .scenario("class-incremental", Map.of("increment", faces.identities()))
                .learner("slerpface-grouping", learnerMap)
                .training(training)
                .metric("accuracy", Map.of())
                .runDirectory(runs)
                .build().run();
        Path run = Path.of(report.runDirectory());
        List<Double> losses = report.lossCurves().get(0);
        System.out.printf(Locale.ROOT, "recogniser: %d steps, loss %.3f -> %.3f, closed-set accuracy on held-out"
                + " images of the training identities %.4f (%.0f s training)%n", losses.size(), losses.get(0),
                losses.get(losses.size() - 1), report.score(0, 0), report.timings().getOrDefault("train", Double.NaN));

        // 2. templates of identities the recogniser never saw: attacker 0..A−1, test A..A+T−1 (verification ids)
        GeneratedFaces generated = new GeneratedFaces(faces);
        FaceImages unseen = (identity, image) -> generated.verificationImage(identity, image).values();
        long[] shape = {3, faces.size(), faces.size()};
        Map<String, Object> json = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (TrainedRecogniser recogniser = TrainedRecogniser.restore(run, learner, faces.identities(), shape);
             ImageDecoderAttack decoderAttack = new ImageDecoderAttack(new DecoderConfig(1, faces.size(),
                     BenchmarkArgs.integer(o, "decoder-channels", 128), BenchmarkArgs.integer(o, "decoder-epochs", 40),
                     BenchmarkArgs.integer(o, "decoder-batch", 32), BenchmarkArgs.real(o, "decoder-lr", 0.002)), unseen, recogniser, seed)) {
            Instant extraction = Instant.now();
            ExtractedFaceTemplates templates = new ExtractedFaceTemplates(recogniser, unseen, attackers + tests,
                    images);
            int m = recogniser.groups();
            int d = recogniser.groupSize();
            System.out.printf(Locale.ROOT, "templates: %d groups x %d dims + %d weights, %d identities x %d images"
                    + " extracted in %.1f s%n", m, d, m, attackers + tests, images,
                    Duration.between(extraction, Instant.now()).toMillis() / 1e3);
            SlerpFaceConfig slerp = SlerpFaceConfig.defaults().withShape(m, d);
            int bits = BenchmarkArgs.integer(o, "bits", m * d / 2);
            ProtectorEvaluation evaluation = new ProtectorEvaluation(templates, attackers, tests, images, FAR,
                    ridgeLambda, seed);
            List<InversionAttack> attacks = List.of(RidgeInverter.attack(ridgeLambda), decoderAttack);

            List<ProtectorEvaluation.Row> results = new ArrayList<>();
            for (String name : schemeNames) {
                SchemeUnderTest scheme = switch (name.trim()) {
                    case "none" -> SchemeUnderTest.none();
                    case "random-projection" -> SchemeUnderTest.randomProjection(
                            new RandomProjectionConfig(m * d, bits, true));
                    case "slerpface" -> SchemeUnderTest.slerpFace(slerp);
                    case "slerpface-no-dropout" -> SchemeUnderTest.slerpFace(slerp.withDropRate(0));
                    default -> throw new IllegalArgumentException("--schemes: unknown scheme '" + name
                            + "'; use none, random-projection, slerpface, slerpface-no-dropout");
                };
                Instant t0 = Instant.now();
                ProtectorEvaluation.Row row = evaluation.run(scheme, attacks);
                results.add(row);
                ImageDecoderAttack.Fit fit = decoderAttack.fits().get(decoderAttack.fits().size() - 1);
                double seconds = Duration.between(t0, Instant.now()).toMillis() / 1e3;
                System.out.printf(Locale.ROOT, "%s: done in %.0f s; decoder on %d pairs of %d values, training pixel"
                        + " L2 %.4f -> %.4f; %d held-out pairs: decoder %.4f, mean image %.4f%n", row.scheme(), seconds,
                        fit.pairs(), fit.templateLength(), fit.epochLosses().get(0),
                        fit.epochLosses().get(fit.epochLosses().size() - 1), fit.heldOutPairs(), fit.heldOutPixelL2(),
                        fit.heldOutMeanImageL2());
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("scheme", row.scheme());
                r.put("accuracy", row.accuracy());
                r.put("tarAtFar", row.tar());
                r.put("dSys", row.dSys());
                r.put("attacks", row.attacks());
                r.put("revokedAccept", row.revokedAccept());
                r.put("reenrolledTar", row.reenrolledTar());
                r.put("decoderFit", fit);
                r.put("seconds", seconds);
                rows.add(r);
            }
            printTables(results, faces, attackers, tests, images);
        }
        double cpu = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L) / 1e3;
        double wall = Duration.between(started, Instant.now()).toMillis() / 1e3;
        String loadAfter = BenchmarkArgs.loadAverage();
        System.out.printf(Locale.ROOT, "%nprocess CPU time %.0f s, wall %.0f s; load average before: %s, after: %s%n",
                cpu, wall, loadBefore, loadAfter);

        json.put("benchmark", "slerpface/generated-faces");
        json.put("arguments", Arrays.asList(args));
        json.put("settings", settings);
        json.put("recogniser", Map.of("steps", losses.size(), "firstLoss", losses.get(0), "lastLoss",
                losses.get(losses.size() - 1), "closedSetAccuracy", report.score(0, 0), "timings", report.timings()));
        json.put("rows", rows);
        json.put("processCpuSeconds", cpu);
        json.put("wallSeconds", wall);
        json.put("loadAverage", Map.of("before", loadBefore, "after", loadAfter));
        json.put("environment", report.environment());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    private static void printTables(List<ProtectorEvaluation.Row> rows, GeneratedFacesConfig faces, int attackers,
                                    int tests, int images) {
        System.out.printf(Locale.ROOT, "%ngenerated faces %d px; recogniser trained on %d identities; %d attacker and"
                + " %d test identities (unseen in training), %d images each; FAR 1e-3%n", faces.size(),
                faces.identities(), attackers, tests, images);
        System.out.println("Attacks: share of the victims' leaked templates whose reconstruction, presented as a probe"
                + " (protected with the victim's key, matched against the enrolled template), is accepted at the"
                + " scheme's TAR@FAR=1e-3 threshold.");
        System.out.println();
        System.out.println("| scheme | 10-fold acc | TAR@FAR=1e-3 | D<->sys | (1) key-known inverse | (2) ridge |"
                + " (3) image decoder | leaked after revocation | re-enrolled TAR |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (ProtectorEvaluation.Row row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %.4f ± %.4f | %.4f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                    row.scheme(), row.accuracy().mean(), row.accuracy().std(), row.tar().tar(), row.dSys(),
                    row.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByProtectedSystem(),
                    row.attack("ridge").acceptedByProtectedSystem(),
                    row.attack(ImageDecoderAttack.NAME).acceptedByProtectedSystem(), row.revokedAccept(),
                    row.reenrolledTar());
        }
        System.out.println();
        System.out.println("The same reconstructions judged by the UNPROTECTED recogniser (cosine with the victim's raw"
                + " template of another image above the raw TAR@FAR=1e-3 threshold): identity recovered; mean cosine"
                + " in brackets.");
        System.out.println();
        System.out.println("| scheme | (1) key-known inverse | (2) ridge | (3) image decoder |");
        System.out.println("|---|---|---|---|");
        for (ProtectorEvaluation.Row row : rows) {
            StringBuilder line = new StringBuilder("| " + row.scheme() + " |");
            for (String attack : List.of(ProtectorEvaluation.KEY_KNOWN, "ridge", ImageDecoderAttack.NAME)) {
                ProtectorEvaluation.AttackOutcome a = row.attack(attack);
                line.append(String.format(Locale.ROOT, " %.3f (%.3f) |", a.acceptedByRawSystem(),
                        a.meanRawCosine()));
            }
            System.out.println(line);
        }
    }

}
