package dev.perennial.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.continual.ptm.FirstSessionModel;
import dev.perennial.continual.ptm.FirstSessionStatistics;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.vit.VisionTransformer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature-statistics job in {@code local[2]}: a generated image folder, a tiny random ViT checkpoint, the first
 * task's rows in uneven partitions; the Spark result equals the single-process pass (prototypes, G, Q) to float32
 * rounding, the command line writes a file the learner reads, and a learner without a first-session pass is refused.
 */
class FeatureStatsJobTest {
    @TempDir
    static Path dir;
    private static SparkSession spark;
    private static Path checkpoint;
    private static Path folder;

    @BeforeAll
    static void start() throws Exception {
        fixture(dir);
        spark = SparkSession.builder().master("local[2]").appName("FeatureStatsJobTest")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "localhost")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    /**
     * Writes the tiny ViT checkpoint and the image folder under {@code root}.
     *
     * @param root a temp folder
     * @throws Exception on write failures
     */
    static void fixture(Path root) throws Exception {
        dir = root;
        checkpoint = dir.resolve("tiny-vit.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            VisionTransformer vit = new VisionTransformer(backbone("").vitConfig(false));
            vit.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            ParameterNames.of(vit).forEach((name, p) -> tensors.put(name, p.getArray()));
            SafetensorsWriter.write(checkpoint, tensors);
        }
        // 4 classes of 8x8 PNGs with uneven training counts; colours differ by class.
        folder = dir.resolve("images");
        int[] trainCounts = {7, 4, 6, 5};
        Random r = new Random(1);
        for (int c = 0; c < 4; c++) {
            for (String split : List.of("train", "test")) {
                Path d = Files.createDirectories(folder.resolve(split).resolve("class" + c));
                int n = split.equals("train") ? trainCounts[c] : 2;
                for (int i = 0; i < n; i++) {
                    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            int red = Math.min(255, 60 * c + r.nextInt(60));
                            img.setRGB(x, y, (red << 16) | (r.nextInt(256) << 8) | (255 - red));
                        }
                    }
                    ImageIO.write(img, "png", d.resolve(String.format("%03d.png", i)).toFile());
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static PtmBackboneConfig backbone(String file) {
        return PtmBackboneConfig.defaults().withArchitecture(file, 8, 4, 16, 1, 2);
    }

    /** An experiment: B3-Inc1 over a shuffled class order, the given learner block. */
    static Path experiment(String name, String learner) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "name: " + name + "\nseed: 11\n"
                + "dataset: {name: image-folder, config: {path: '" + folder + "'}}\n"
                + "scenario: {name: class-incremental, config: {initialClasses: 3, increment: 1, classOrderSeed: 5}}\n"
                + "learner: " + learner + "\n");
        return file;
    }

    static String backboneYaml() {
        return "backbone: {checkpoint: '" + checkpoint + "', imageSize: 8, patchSize: 4, embedDim: 16, depth: 1,"
                + " numHeads: 2}";
    }

    private static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @Test
    void simpleCilPrototypesOverUnevenPartitionsEqualTheSingleProcessPass() throws Exception {
        Path exp = experiment("simplecil", "{name: simplecil, config: {featureBatchSize: 4, " + backboneYaml() + "}}");
        FeatureStatsJob.Result single = FeatureStatsJob.singleProcess(exp);
        FirstSessionStatistics.Header h = single.statistics().header();
        int n = h.rows();
        assertEquals(3, h.classes().length);
        // Three partitions of 2, 9 and n - 11 rows (the batch size 4 cuts them differently than the single pass).
        FeatureStatsJob.Result distributed = FeatureStatsJob.spark(jsc(), exp, h,
                List.of(new int[] {0, 2}, new int[] {2, 11}, new int[] {11, n}));
        assertEquals(3, distributed.partitions());
        assertArrayEquals(single.statistics().counts(), distributed.statistics().counts());
        Map<String, Double> d = FeatureStatsJob.differences(single.statistics(), distributed.statistics());
        // Class means of float32 features: the features of a sample may differ by float32 rounding between batch
        // compositions; the float64 sums add nothing measurable. Bound: 1e-6 of the largest |prototype| value.
        assertTrue(d.get("prototypes") <= 1e-6 * d.get("max|prototype|"), d.toString());
    }

    @Test
    void ranPacRidgeStatisticsOverUnevenPartitionsEqualTheSingleProcessPass() throws Exception {
        Path exp = experiment("ranpac", "{name: ranpac, config: {firstSessionAdaptation: false, projectionWidth: 32,"
                + " featureBatchSize: 5, " + backboneYaml() + "}}");
        FeatureStatsJob.Result single = FeatureStatsJob.singleProcess(exp);
        FirstSessionStatistics.Header h = single.statistics().header();
        int n = h.rows();
        FeatureStatsJob.Result distributed = FeatureStatsJob.spark(jsc(), exp, h,
                List.of(new int[] {0, 13}, new int[] {13, n}));
        Map<String, Double> d = FeatureStatsJob.differences(single.statistics(), distributed.statistics());
        // G and Q are float64 sums of products of float32 projected features: the partitions change only the
        // float32 rounding of the features (≤ a few ulp) and the float64 order of addition; bound 1e-6 relative
        // to the largest entry.
        assertTrue(d.get("G") <= 1e-6 * d.get("max|G|"), d.toString());
        assertTrue(d.get("Q") <= 1e-6 * d.get("max|Q|"), d.toString());
        assertEquals(0.0, d.get("counts"));
    }

    /**
     * A first-session model as aper's or safe's firstSessionExport writes it: a random PET ViT (so its features
     * differ from the PTM's everywhere) and a cosine head, for the experiment's first task.
     */
    private static Path adaptedModel(String method, Path experiment, int seed) throws Exception {
        int[] classes = firstTaskOf(experiment);
        Path file = dir.resolve(method + "-first-session-" + seed + ".safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
            VisionTransformer adapted = new VisionTransformer(backbone(checkpoint.toString()).vitConfig(true));
            adapted.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            dev.perennial.continual.ptm.CosineHead head = new dev.perennial.continual.ptm.CosineHead(4, 16, 10f);
            head.initialize(m, DataType.FLOAT32, new Shape(1, 16));
            FirstSessionModel.write(file, method, 4, classes, FirstSessionStatistics.checkpointHash(
                    checkpoint.toString()), FirstSessionModel.tensors(adapted, head));
        }
        return file;
    }

    private static int[] firstTaskOf(Path experiment) {
        try (FirstSessionData data = FirstSessionData.open(experiment(experiment, "simplecil"))) {
            return data.header().classes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The experiment with its learner block replaced (the same data set and scenario). */
    private static Path experiment(Path experiment, String learner) throws Exception {
        Path file = dir.resolve(experiment.getFileName() + "-" + learner + ".yaml");
        Files.writeString(file, Files.readString(experiment).replaceAll("learner: .*", "learner: {name: " + learner
                + ", config: {" + backboneYaml() + "}}"));
        return file;
    }

    @Test
    void aperAndSafeStatisticsOfTheAdaptedModelOverUnevenPartitionsEqualTheSingleProcessPass() throws Exception {
        for (String method : List.of("aper", "safe")) {
            Path exp = experiment(method, "{name: " + method + ", config: {featureBatchSize: 4, "
                    + (method.equals("safe") ? "projectionWidth: 24, sharedRandomProjection: false, "
                    + "sharedRidgeStatistics: false, " : "") + backboneYaml() + "}}");
            Path model = adaptedModel(method, exp, 1);
            FeatureStatsJob.Result single = FeatureStatsJob.singleProcess(exp, model);
            FirstSessionStatistics.Header h = single.statistics().header();
            assertEquals(method, h.method());
            try (NDManager m = NDManager.newBaseManager()) {
                assertEquals(FirstSessionModel.read(model, m).adaptedSha256(), h.adaptedSha256());
            }
            int n = h.rows();
            FeatureStatsJob.Result distributed = FeatureStatsJob.spark(jsc(), exp, model, h,
                    List.of(new int[] {0, 3}, new int[] {3, 10}, new int[] {10, n}));
            assertArrayEquals(single.statistics().counts(), distributed.statistics().counts());
            Map<String, Double> d = FeatureStatsJob.differences(single.statistics(), distributed.statistics());
            if (method.equals("aper")) {
                assertEquals(32, h.featureDim(), "PTM and adapted features, concatenated");
                assertTrue(d.get("prototypes") <= 1e-6 * d.get("max|prototype|"), d.toString());
            } else {
                assertTrue(h.fastProjectionSeed() != h.projectionSeed(), "one projection per learner");
                for (String k : List.of("G", "Q", "fast G", "fast Q")) {
                    assertTrue(d.get(k) <= 1e-6 * d.get("max|" + k + "|"), k + ": " + d);
                }
                assertTrue(d.get("max|fast G|") > 0 && !java.util.Arrays.equals(single.statistics().gram(),
                        single.statistics().fastGram()), "two projections give two G");
            }
            // Another adapted model: another hash in the header, and other statistics.
            Path other = adaptedModel(method, exp, 2);
            FeatureStatsJob.Result second = FeatureStatsJob.spark(spark, exp, other, 2);
            assertTrue(!second.statistics().header().adaptedSha256().equals(h.adaptedSha256()));
            double change = 0;
            if (method.equals("aper")) {
                float[] x = single.statistics().prototypes().mean(h.classes()[0]);
                float[] y = second.statistics().prototypes().mean(h.classes()[0]);
                for (int i = 0; i < x.length; i++) {
                    change = Math.max(change, Math.abs(x[i] - y[i]));
                }
            } else {
                double[] x = single.statistics().gram();
                double[] y = second.statistics().gram();
                for (int i = 0; i < x.length; i++) {
                    change = Math.max(change, Math.abs(x[i] - y[i]));
                }
            }
            assertTrue(change > 1e-3, method + ": the adapted model changes the statistics by " + change);
        }
    }

    @Test
    void theCommandLineWritesTheFileAndRefusesALearnerWithoutAFirstSessionPass() throws Exception {
        Path exp = experiment("cli", "{name: simplecil, config: {featureBatchSize: 3, " + backboneYaml() + "}}");
        Path out = dir.resolve("stats.safetensors");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = FeatureStatsJob.run(spark, new PrintStream(buffer, true, StandardCharsets.UTF_8), exp.toString(),
                "--out", out.toString(), "--partitions", "2");
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("simplecil"), text);
        try (NDManager m = NDManager.newBaseManager()) {
            FirstSessionStatistics s = FirstSessionStatistics.read(out, m);
            assertEquals(s.header().rows(), java.util.Arrays.stream(s.counts()).sum());
            assertEquals(3, s.header().classes().length);
        }
        Path aper = experiment("aper", "{name: aper, config: {" + backboneYaml() + "}}");
        buffer.reset();
        code = FeatureStatsJob.run(spark, new PrintStream(buffer, true, StandardCharsets.UTF_8), aper.toString(),
                "--out", dir.resolve("aper.safetensors").toString());
        text = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(FeatureStatsJob.BAD_INPUT, code, text);
        assertTrue(text.contains("learner is 'aper'") && text.contains("first session"), text);
        assertEquals(1, text.strip().lines().count(), text);
        // With the adapted model the same command computes aper's statistics; simplecil has none to give.
        Path model = adaptedModel("aper", aper, 3);
        buffer.reset();
        code = FeatureStatsJob.run(spark, new PrintStream(buffer, true, StandardCharsets.UTF_8), aper.toString(),
                "--adapted", model.toString(), "--out", dir.resolve("aper.safetensors").toString());
        assertEquals(0, code, buffer.toString(StandardCharsets.UTF_8));
        try (NDManager m = NDManager.newBaseManager()) {
            FirstSessionStatistics s = FirstSessionStatistics.read(dir.resolve("aper.safetensors"), m);
            assertEquals("aper", s.header().method());
            assertEquals(FirstSessionModel.read(model, m).adaptedSha256(), s.header().adaptedSha256());
        }
        buffer.reset();
        code = FeatureStatsJob.run(spark, new PrintStream(buffer, true, StandardCharsets.UTF_8), exp.toString(),
                "--adapted", model.toString(), "--out", out.toString());
        text = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(FeatureStatsJob.BAD_INPUT, code, text);
        assertTrue(text.contains("--adapted is for aper and safe"), text);
    }
}
