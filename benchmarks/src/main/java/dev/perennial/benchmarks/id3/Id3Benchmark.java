package dev.perennial.benchmarks.id3;

import dev.perennial.benchmarks.BenchmarkArgs;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.checkpoint.CheckpointStore;
import dev.perennial.benchmarks.vqa.MeanStd;
import dev.perennial.models.nn.Owned;
import dev.perennial.slerpface.faces.GeneratedFaces;
import dev.perennial.slerpface.faces.GeneratedFacesConfig;
import dev.perennial.slerpface.id3.Id3Synthetic;
import dev.perennial.slerpface.id3.Id3SyntheticConfig;
import dev.perennial.slerpface.id3.RecogniserEmbedder;
import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import dev.perennial.slerpface.security.VerificationProtocol;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Feature;
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
import java.util.stream.Stream;

/**
 * ID³ on generated faces (issue #24, spec deepfake.md Part E with the E.8 substitutes). Per seed, all through the
 * shared loop:
 * <ol>
 *   <li>the face recogniser f ({@code slerpface-grouping}, a tiny ResNet) is trained on N generated identities × M
 *       images ({@code generated-faces}); frozen, it is ID³'s identity embedder, and it is also row (b), "trained on
 *       the generator's own faces" (the same training on the same faces would give the same network);</li>
 *   <li>the ID³ denoiser ({@code id3} learner, identity + attribute conditioning, ID-preserving loss) and a plain
 *       denoiser (the same learner with {@code useAttributes false}, λ₁ = λ₂ = 0: the ε loss alone) are trained on
 *       the same faces ({@code generated-faces-attributed});</li>
 *   <li>(a) {@code id3-synthetic}: N anchors × M images from the ID³ denoiser with the ID-preserving sampler
 *       (λ = {@code --guidance}); (c) the same anchors sampled from the plain denoiser with λ = 0 (no attribute
 *       conditioning, no ID guidance); both with classifier-free scale {@code --cfg};</li>
 *   <li>a recogniser of the same configuration is trained on (a) and on (c);</li>
 *   <li>each recogniser (a, b, c) is evaluated by verification on V held-out generated identities × K images
 *       (identities no training split holds): TAR at FAR 1e-2 and 1e-3 over all genuine and all impostor pairs
 *       (cosine scores), and the 10-fold accuracy of {@link VerificationProtocol} on a balanced pair list (all
 *       genuine pairs, the same number of impostor pairs taken evenly from the list of all, interleaved).</li>
 * </ol>
 * Data-set quality, measured with the frozen f̄ on each training set (the paper's definitions are not published in
 * the spec, E.1 names the objectives only; these formulas are ours): <b>intra-class identity consistency</b> = the
 * mean over classes of the mean pairwise cosine ⟨f̄(x_i), f̄(x_j)⟩ of two images of that class; <b>inter-class
 * diversity</b> = 1 − the mean cosine between two different classes' normalised mean embeddings; <b>intra-class
 * pixel diversity</b> = the mean over classes of the RMS pixel difference of two images of the class ([0, 1]
 * pixels); and for (a) and (c) the <b>anchor agreement</b> mean ⟨y_k, f̄(x_{k,m})⟩.
 *
 * <p>Arguments ({@code --name value}, all optional): {@code --seeds 1,2,3 --identities 16 --images 4 --size 16
 * --face-seed 7 --rec-epochs 15 --rec-width 8 --rec-lr 0.02 --diff-epochs 15 --diff-lr 0.002 --channels 8,16
 * --heads 2 --cross-dim 16 --batch 16 --lambda1 0.1 --lambda2 0.05 --kappa 16 --guidance 1 --cfg 1.5
 * --sampling-steps 10 --anchor-cos 0.3 --verify-identities 30 --verify-images 3 --out target/benchmarks/id3.json}.
 * {@code --merge a.json,b.json,…} prints and writes the table of several runs' seeds (e.g. one process per seed)
 * instead of running.
 */
public final class Id3Benchmark {

    private static final Set<String> OPTIONS = Set.of("seeds", "identities", "images", "size", "face-seed",
            "rec-epochs", "rec-width", "rec-lr", "diff-epochs", "diff-lr", "channels", "lambda1", "lambda2", "kappa",
            "guidance", "cfg", "sampling-steps", "anchor-cos", "verify-identities", "verify-images", "heads", "cross-dim",
            "batch", "merge", "out");
    private static final List<String> SOURCES = List.of("id3-synthetic", "generated-faces", "plain-diffusion");
    private static final List<String> METRICS = List.of("tar@far=1e-2", "tar@far=1e-3", "10-fold-accuracy",
            "intra-identity-consistency", "inter-class-diversity", "intra-pixel-diversity", "anchor-agreement");

    private Id3Benchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Instant started = Instant.now();
        String loadBefore = BenchmarkArgs.loadAverage();
        Map<String, String> o = BenchmarkArgs.parse(args, OPTIONS);
        if (o.containsKey("merge")) {
            merge(o, args, started, loadBefore);
            return;
        }
        List<Integer> seeds = BenchmarkArgs.integers(o.getOrDefault("seeds", "1,2,3"), "seeds");
        int identities = BenchmarkArgs.integer(o, "identities", 16);
        int images = BenchmarkArgs.integer(o, "images", 4);
        int size = BenchmarkArgs.integer(o, "size", 16);
        GeneratedFacesConfig faces = new GeneratedFacesConfig(identities, images, 1, size,
                Long.parseLong(o.getOrDefault("face-seed", "7")));
        SlerpFaceLearnerConfig recogniser = new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1),
                BenchmarkArgs.integer(o, "rec-width", 8), true, 16, 16, 0.2, false);
        int verifyIdentities = BenchmarkArgs.integer(o, "verify-identities", 30);
        int verifyImages = BenchmarkArgs.integer(o, "verify-images", 3);
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/id3.json")).toAbsolutePath();
        Path runs = out.getParent().resolve("id3-runs");

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("faces", faces);
        settings.put("recogniser", recogniser);
        settings.put("arguments", o);
        System.out.println("settings: " + settings);

        Map<String, Map<String, double[]>> values = new LinkedHashMap<>();
        for (String s : SOURCES) {
            Map<String, double[]> perMetric = new LinkedHashMap<>();
            for (String m : METRICS) {
                double[] v = new double[seeds.size()];
                Arrays.fill(v, Double.NaN);
                perMetric.put(m, v);
            }
            values.put(s, perMetric);
        }
        List<Map<String, Object>> perSeed = new ArrayList<>();
        for (int si = 0; si < seeds.size(); si++) {
            long seed = seeds.get(si);
            Path seedRuns = runs.resolve("seed-" + seed);
            Map<String, Object> seedJson = new LinkedHashMap<>();
            seedJson.put("seed", seed);
            // 1. the recogniser on the generator's faces: ID³'s frozen f, and row (b)
            Map<String, Object> facesMap = Map.of("identities", identities, "trainImages", images, "testImages", 1,
                    "size", size, "seed", faces.seed());
            RunReport fRun = trainRecogniser("generated-faces", facesMap, identities, recogniser, o, seed,
                    seedRuns.resolve("recogniser-generated"));
            Path fFile = modelFile(Path.of(fRun.runDirectory()));
            seedJson.put("recogniserGenerated", runSummary(fRun));

            // 2. the ID³ denoiser and the plain one
            RunReport id3Run = trainDenoiser(facesMap, identities, fFile, recogniser, o, seed, true,
                    seedRuns.resolve("denoiser-id3"));
            RunReport plainRun = trainDenoiser(facesMap, identities, fFile, recogniser, o, seed, false,
                    seedRuns.resolve("denoiser-plain"));
            Path id3File = find(Path.of(id3Run.runDirectory()), "id3-denoiser.safetensors");
            Path plainFile = find(Path.of(plainRun.runDirectory()), "id3-denoiser.safetensors");
            seedJson.put("denoiserId3", runSummary(id3Run));
            seedJson.put("denoiserPlain", runSummary(plainRun));

            // 3.–4. the synthetic sets and the recognisers trained on them
            Map<String, Object> a = synthetic(id3File, identities, images, size, o, seed, BenchmarkArgs.real(o, "guidance", 1.0));
            Map<String, Object> c = synthetic(plainFile, identities, images, size, o, seed, 0.0);
            RunReport aRun = trainRecogniser("id3-synthetic", a, identities, recogniser, o, seed,
                    seedRuns.resolve("recogniser-id3"));
            RunReport cRun = trainRecogniser("id3-synthetic", c, identities, recogniser, o, seed,
                    seedRuns.resolve("recogniser-plain"));
            seedJson.put("recogniserId3", runSummary(aRun));
            seedJson.put("recogniserPlain", runSummary(cRun));

            // 5. verification and data-set quality
            GeneratedFaces generated = new GeneratedFaces(faces);
            float[][] verify = new float[verifyIdentities * verifyImages][];
            for (int j = 0; j < verifyIdentities; j++) {
                for (int k = 0; k < verifyImages; k++) {
                    verify[j * verifyImages + k] = generated.verificationImage(j, k).values();
                }
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                RecogniserEmbedder f = RecogniserEmbedder.load(fFile, recogniser, size, manager);
                Map<String, Path> models = Map.of("generated-faces", fFile, "id3-synthetic",
                        modelFile(Path.of(aRun.runDirectory())), "plain-diffusion",
                        modelFile(Path.of(cRun.runDirectory())));
                Id3Synthetic aSet = Id3Synthetic.generate(config(a), manager);
                Id3Synthetic cSet = Id3Synthetic.generate(config(c), manager);
                Map<String, DatasetSplit> sets = Map.of("id3-synthetic", aSet.train(), "generated-faces",
                        generated.train(), "plain-diffusion", cSet.train());
                Map<String, float[][]> anchors = Map.of("id3-synthetic", aSet.anchors(), "plain-diffusion",
                        cSet.anchors());
                seedJson.put("untrainedDenoiser", !aSet.trained() || !cSet.trained());
                for (String source : SOURCES) {
                    Map<String, double[]> v = values.get(source);
                    RecogniserEmbedder trained = RecogniserEmbedder.load(models.get(source), recogniser, size,
                            manager);
                    double[] ver = verification(trained, verify, verifyIdentities, verifyImages, manager);
                    v.get("tar@far=1e-2")[si] = ver[0];
                    v.get("tar@far=1e-3")[si] = ver[1];
                    v.get("10-fold-accuracy")[si] = ver[2];
                    double[] q = quality(f, sets.get(source), images, anchors.get(source), manager);
                    v.get("intra-identity-consistency")[si] = q[0];
                    v.get("inter-class-diversity")[si] = q[1];
                    v.get("intra-pixel-diversity")[si] = q[2];
                    v.get("anchor-agreement")[si] = q[3];
                }
            }
            perSeed.add(seedJson);
            System.out.printf(Locale.ROOT, "seed %d done (%s elapsed)%n", seed,
                    Duration.between(started, Instant.now()).toSeconds() + " s");
        }

        System.out.printf(Locale.ROOT, "%nID3 benchmark: %d identities x %d images of %dx%d; verification on %d held-out"
                + " generated identities x %d images%n", identities, images, size, size, verifyIdentities,
                verifyImages);
        report(seeds, values, perSeed, settings, args, started, loadBefore, out);
    }

    /** Prints the table (mean ± sample std over seeds) and writes the JSON. */
    private static void report(List<Integer> seeds, Map<String, Map<String, double[]>> values,
            List<Map<String, Object>> perSeed, Map<String, Object> settings, String[] args, Instant started,
            String loadBefore, Path out) throws IOException {
        System.out.printf(Locale.ROOT, "%d seeds %s (mean ± sample std)%n", seeds.size(), seeds);
        System.out.printf(Locale.ROOT, "%-28s", "metric");
        for (String s : SOURCES) {
            System.out.printf(Locale.ROOT, " %22s", s);
        }
        System.out.println();
        Map<String, Object> table = new LinkedHashMap<>();
        for (String m : METRICS) {
            System.out.printf(Locale.ROOT, "%-28s", m);
            for (String s : SOURCES) {
                MeanStd ms = MeanStd.of(values.get(s).get(m));
                System.out.printf(Locale.ROOT, " %22s", Double.isNaN(ms.mean()) ? "-"
                        : String.format(Locale.ROOT, "%.3f ± %.3f", ms.mean(), ms.std()));
                table.computeIfAbsent(s, k -> new LinkedHashMap<String, Object>());
                @SuppressWarnings("unchecked")
                Map<String, Object> row = (Map<String, Object>) table.get(s);
                row.put(m, Map.of("mean", ms.mean(), "std", ms.std(), "values", values.get(s).get(m)));
            }
            System.out.println();
        }
        boolean untrained = perSeed.stream().anyMatch(j -> Boolean.TRUE.equals(j.get("untrainedDenoiser")));
        if (untrained) {
            System.out.println("NOTE: a denoiser had 0 training steps: its samples are not faces.");
        }
        String loadAfter = BenchmarkArgs.loadAverage();
        System.out.println("load average before " + loadBefore + ", after " + loadAfter + "; wall "
                + Duration.between(started, Instant.now()).toSeconds() + " s");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "id3/generated-faces");
        json.put("arguments", Arrays.asList(args));
        json.put("settings", settings);
        json.put("seeds", seeds);
        json.put("table", table);
        json.put("perSeed", perSeed);
        json.put("untrainedDenoiser", untrained);
        json.put("wallSeconds", Duration.between(started, Instant.now()).toSeconds());
        json.put("loadAverage", Map.of("before", loadBefore, "after", loadAfter));
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("wrote " + out);
    }

    /** Joins the seeds of several result files (same settings, e.g. one process per seed) into one table. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, String> o, String[] args, Instant started, String loadBefore)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        mapper.enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
        List<Integer> seeds = new ArrayList<>();
        Map<String, Map<String, List<Double>>> joined = new LinkedHashMap<>();
        List<Map<String, Object>> perSeed = new ArrayList<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String file : o.get("merge").split(",")) {
            Map<String, Object> json = mapper.readValue(Path.of(file.trim()).toFile(), Map.class);
            seeds.addAll((List<Integer>) json.get("seeds"));
            perSeed.addAll((List<Map<String, Object>>) json.get("perSeed"));
            settings.put(file.trim(), json.get("settings"));
            Map<String, Object> table = (Map<String, Object>) json.get("table");
            for (String source : SOURCES) {
                for (String metric : METRICS) {
                    Map<String, Object> cell = (Map<String, Object>) ((Map<String, Object>) table.get(source))
                            .get(metric);
                    for (Object v : (List<Object>) cell.get("values")) {
                        joined.computeIfAbsent(source, k -> new LinkedHashMap<>())
                                .computeIfAbsent(metric, k -> new ArrayList<>())
                                .add(v instanceof Number n ? n.doubleValue() : Double.NaN);
                    }
                }
            }
        }
        Map<String, Map<String, double[]>> values = new LinkedHashMap<>();
        joined.forEach((source, metrics) -> metrics.forEach((metric, list) -> values
                .computeIfAbsent(source, k -> new LinkedHashMap<>())
                .put(metric, list.stream().mapToDouble(Double::doubleValue).toArray())));
        System.out.println("ID3 benchmark, merged from " + o.get("merge"));
        report(seeds, values, perSeed, settings, args, started, loadBefore,
                Path.of(o.getOrDefault("out", "target/benchmarks/id3.json")).toAbsolutePath());
    }

    private static RunReport trainRecogniser(String dataset, Map<String, Object> datasetConfig, int identities,
            SlerpFaceLearnerConfig r, Map<String, String> o, long seed, Path runs) {
        Map<String, Object> learner = new LinkedHashMap<>();
        learner.put("layers", r.layers());
        learner.put("baseWidth", r.baseWidth());
        learner.put("cifarStem", r.cifarStem());
        learner.put("groupSize", r.groupSize());
        learner.put("arcFaceScale", r.arcFaceScale());
        learner.put("arcFaceMargin", r.arcFaceMargin());
        learner.put("flipMirrorBack", r.flipMirrorBack());
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("optimizer", "sgd");
        training.put("learningRate", BenchmarkArgs.real(o, "rec-lr", 0.02));
        training.put("momentum", 0.9);
        training.put("weightDecay", 5e-4);
        training.put("schedule", "cosine");
        training.put("warmupSteps", 20);
        training.put("gradientClipNorm", 5.0);
        training.put("epochs", BenchmarkArgs.integer(o, "rec-epochs", 15));
        training.put("batchSize", BenchmarkArgs.integer(o, "batch", 16));
        return Perennial.builder().name("id3-recogniser").seed(seed).dataset(dataset, datasetConfig)
                .scenario("class-incremental", Map.of("increment", identities))
                .learner("slerpface-grouping", learner).training(training).metric("accuracy", Map.of())
                .runDirectory(runs).build().run();
    }

    private static RunReport trainDenoiser(Map<String, Object> faces, int identities, Path recogniserFile,
            SlerpFaceLearnerConfig r, Map<String, String> o, long seed, boolean id3, Path runs) {
        Map<String, Object> learner = new LinkedHashMap<>();
        learner.put("recogniser", recogniserFile.toString());
        learner.put("recogniserLayers", r.layers());
        learner.put("recogniserWidth", r.baseWidth());
        learner.put("recogniserCifarStem", r.cifarStem());
        learner.put("recogniserGroupSize", r.groupSize());
        learner.put("blockOutChannels", BenchmarkArgs.integers(o.getOrDefault("channels", "8,16"), "channels"));
        learner.put("heads", BenchmarkArgs.integer(o, "heads", 2));
        learner.put("crossAttentionDim", BenchmarkArgs.integer(o, "cross-dim", 16));
        learner.put("useAttributes", id3);
        learner.put("reconstructionWeight", id3 ? BenchmarkArgs.real(o, "lambda1", 0.1) : 0.0);
        learner.put("identityWeight", id3 ? BenchmarkArgs.real(o, "lambda2", 0.05) : 0.0);
        learner.put("kappa", BenchmarkArgs.real(o, "kappa", 16));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("optimizer", "adamw");
        training.put("learningRate", BenchmarkArgs.real(o, "diff-lr", 0.002));
        training.put("weightDecay", 0.0);
        training.put("schedule", "cosine");
        training.put("warmupSteps", 20);
        training.put("gradientClipNorm", 1.0);
        training.put("epochs", BenchmarkArgs.integer(o, "diff-epochs", 15));
        training.put("logEverySteps", 1); // every step's loss terms in metrics.jsonl, for the curve in the summary
        training.put("batchSize", BenchmarkArgs.integer(o, "batch", 16));
        return Perennial.builder().name(id3 ? "id3-denoiser" : "plain-denoiser").seed(seed)
                .dataset("generated-faces-attributed", faces)
                .scenario("class-incremental", Map.of("increment", identities))
                .learner("id3", learner).training(training).metric("accuracy", Map.of())
                .runDirectory(runs).build().run();
    }

    private static Map<String, Object> synthetic(Path denoiser, int identities, int images, int size,
            Map<String, String> o, long seed, double guidance) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("denoiser", denoiser.toString());
        m.put("recogniser", "");
        m.put("identities", identities);
        m.put("imagesPerIdentity", images);
        m.put("testImages", 1);
        m.put("anchorMaxCosine", BenchmarkArgs.real(o, "anchor-cos", 0.3));
        m.put("identityGuidance", guidance);
        m.put("classifierFreeScale", BenchmarkArgs.real(o, "cfg", 1.5));
        m.put("samplingSteps", BenchmarkArgs.integer(o, "sampling-steps", 10));
        m.put("eta", 0.0);
        m.put("batchSize", 64);
        m.put("seed", 1000 + seed);
        return m;
    }

    private static Id3SyntheticConfig config(Map<String, Object> m) {
        return new Id3SyntheticConfig((String) m.get("denoiser"), "", (int) m.get("identities"),
                (int) m.get("imagesPerIdentity"), (int) m.get("testImages"), (double) m.get("anchorMaxCosine"),
                (double) m.get("identityGuidance"), (double) m.get("classifierFreeScale"),
                (int) m.get("samplingSteps"), (double) m.get("eta"), (int) m.get("batchSize"), (long) m.get("seed"));
    }

    /** Unit embeddings of [0, 1] images, in batches. */
    private static float[][] embed(RecogniserEmbedder f, float[][] images, int side, NDManager manager) {
        float[][] out = new float[images.length][];
        int pixels = 3 * side * side;
        for (int start = 0; start < images.length; start += 64) {
            int b = Math.min(64, images.length - start);
            float[] flat = new float[b * pixels];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < pixels; j++) {
                    flat[i * pixels + j] = images[start + i][j] * 2f - 1f;
                }
            }
            try (NDManager batch = manager.newSubManager()) {
                NDArray e = f.embed(Owned.floats(batch, flat, new Shape(b, 3, side, side)));
                float[] v = e.toFloatArray();
                int d = f.dimension();
                for (int i = 0; i < b; i++) {
                    out[start + i] = Arrays.copyOfRange(v, i * d, (i + 1) * d);
                }
            }
        }
        return out;
    }

    /** TAR at FAR 1e-2 and 1e-3 over all pairs, and the 10-fold accuracy on a balanced interleaved list. */
    private static double[] verification(RecogniserEmbedder f, float[][] images, int ids, int per,
            NDManager manager) {
        int side = (int) Math.round(Math.sqrt(images[0].length / 3.0));
        float[][] e = embed(f, images, side, manager);
        List<Double> genuine = new ArrayList<>();
        List<Double> impostor = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            for (int j = i + 1; j < e.length; j++) {
                (i / per == j / per ? genuine : impostor).add(dot(e[i], e[j]));
            }
        }
        double[] g = genuine.stream().mapToDouble(Double::doubleValue).toArray();
        double[] im = impostor.stream().mapToDouble(Double::doubleValue).toArray();
        double tar2 = VerificationProtocol.tarAtFar(g, im, 1e-2).tar();
        double tar3 = im.length >= 1000 ? VerificationProtocol.tarAtFar(g, im, 1e-3).tar() : Double.NaN;
        int n = g.length;
        double[] distances = new double[2 * n];
        boolean[] same = new boolean[2 * n];
        for (int i = 0; i < n; i++) {
            distances[2 * i] = Math.acos(Math.max(-1, Math.min(1, g[i]))) / Math.PI;
            same[2 * i] = true;
            double s = im[(int) ((long) i * im.length / n)];
            distances[2 * i + 1] = Math.acos(Math.max(-1, Math.min(1, s))) / Math.PI;
        }
        double acc = VerificationProtocol.tenFoldAccuracy(distances, same).mean();
        return new double[] {tar2, tar3, acc};
    }

    /** Intra-class identity consistency, inter-class diversity, intra-class pixel diversity, anchor agreement. */
    private static double[] quality(RecogniserEmbedder f, DatasetSplit split, int per, float[][] anchors,
            NDManager manager) {
        float[][] images = new float[split.size()][];
        for (int i = 0; i < images.length; i++) {
            images[i] = ((Feature.Floats) split.get(i).features().get("image")).values();
        }
        int side = (int) Math.round(Math.sqrt(images[0].length / 3.0));
        float[][] e = embed(f, images, side, manager);
        int classes = images.length / per;
        double consistency = 0;
        double pixel = 0;
        double[][] means = new double[classes][];
        double agreement = 0;
        for (int c = 0; c < classes; c++) {
            double cos = 0;
            double rms = 0;
            int pairs = 0;
            double[] mean = new double[e[0].length];
            for (int i = c * per; i < (c + 1) * per; i++) {
                for (int k = 0; k < mean.length; k++) {
                    mean[k] += e[i][k];
                }
                if (anchors != null) {
                    agreement += dot(anchors[c], e[i]);
                }
                for (int j = i + 1; j < (c + 1) * per; j++) {
                    cos += dot(e[i], e[j]);
                    double sq = 0;
                    for (int k = 0; k < images[i].length; k++) {
                        double dd = images[i][k] - images[j][k];
                        sq += dd * dd;
                    }
                    rms += Math.sqrt(sq / images[i].length);
                    pairs++;
                }
            }
            consistency += pairs == 0 ? 0 : cos / pairs;
            pixel += pairs == 0 ? 0 : rms / pairs;
            double norm = Math.sqrt(Arrays.stream(mean).map(v -> v * v).sum());
            for (int k = 0; k < mean.length; k++) {
                mean[k] /= Math.max(norm, 1e-12);
            }
            means[c] = mean;
        }
        double between = 0;
        int betweenPairs = 0;
        for (int a = 0; a < classes; a++) {
            for (int b = a + 1; b < classes; b++) {
                double s = 0;
                for (int k = 0; k < means[a].length; k++) {
                    s += means[a][k] * means[b][k];
                }
                between += s;
                betweenPairs++;
            }
        }
        return new double[] {consistency / classes, 1 - between / Math.max(1, betweenPairs), pixel / classes,
            anchors == null ? Double.NaN : agreement / images.length};
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static Map<String, Object> runSummary(RunReport r) throws IOException {
        List<Double> losses = r.lossCurves().isEmpty() ? List.of() : r.lossCurves().get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runDirectory", r.runDirectory());
        m.put("steps", losses.size());
        m.put("firstLoss", losses.isEmpty() ? Double.NaN : losses.get(0));
        m.put("lastLoss", losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1));
        m.put("testScore", r.score(0, 0));
        m.put("cpuSeconds", r.timings().getOrDefault(RunReport.CPU_TIMING, Double.NaN));
        Map<String, double[]> curve = termCurve(Path.of(r.runDirectory()).resolve("metrics.jsonl"));
        m.put("lossCurve", curve);
        StringBuilder terms = new StringBuilder();
        curve.forEach((term, v) -> terms.append(String.format(Locale.ROOT, "; %s %s", term, Arrays.toString(
                Arrays.stream(v).map(x -> Math.round(x * 1e4) / 1e4).toArray()))));
        System.out.printf(Locale.ROOT, "  %s: %d steps, loss %.4f -> %.4f, test score %.4f, %.0f CPU-s%s%n",
                r.experiment(), losses.size(), m.get("firstLoss"), m.get("lastLoss"), r.score(0, 0),
                m.get("cpuSeconds"), terms);
        return m;
    }

    /**
     * The loss curve from a run's {@code metrics.jsonl}: for the total loss and each named term, the mean over each
     * tenth of the training steps (10 values: the first is the curve's start, the last its end; a single step's
     * loss is noisy, the denoisers draw a random timestep per sample).
     */
    static Map<String, double[]> termCurve(Path metrics) throws IOException {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        if (!Files.isRegularFile(metrics)) {
            return Map.of();
        }
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(metrics)) {
            com.fasterxml.jackson.databind.JsonNode n = mapper.readTree(line);
            if (!"step".equals(n.path("event").asText()) || n.path("skipped").asBoolean(false)) {
                continue;
            }
            values.computeIfAbsent("loss", k -> new ArrayList<>()).add(n.path("loss").asDouble());
            n.path("terms").fields().forEachRemaining(t -> values.computeIfAbsent(t.getKey(),
                    k -> new ArrayList<>()).add(t.getValue().asDouble()));
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        values.forEach((term, v) -> {
            int parts = Math.min(10, v.size());
            double[] means = new double[parts];
            for (int i = 0; i < parts; i++) {
                int from = (int) ((long) i * v.size() / parts);
                int to = (int) ((long) (i + 1) * v.size() / parts);
                means[i] = v.subList(from, to).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            }
            out.put(term, means);
        });
        return out;
    }

    private static Path modelFile(Path run) {
        CheckpointStore store = new CheckpointStore(run);
        Path checkpoint = store.latest().orElseThrow(() -> new IllegalStateException(run + " has no checkpoint"));
        return checkpoint.resolve(store.readManifest(checkpoint).modelFile());
    }

    private static Path find(Path root, String name) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(root + " holds no " + name));
        }
    }

}
