package dev.perennial.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
    }
}
