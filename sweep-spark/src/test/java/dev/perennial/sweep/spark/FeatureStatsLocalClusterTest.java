package dev.perennial.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.continual.ptm.FirstSessionStatistics;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature-statistics job on Spark's {@code local-cluster[2,1,1024]} master: a standalone master and two workers
 * in this JVM, each executor its own JVM, so the job's closures, the experiment file and the partial statistics
 * really cross process boundaries (serialisation, DJL and libtorch loaded in fresh executor JVMs).
 *
 * <p>Spark's workers build the executor command from a Spark distribution: without one they fail with "Cannot find
 * any build directories". A stand-in distribution works (sweep-spark README): {@code SPARK_HOME} (set by this
 * module's surefire configuration) with an empty {@code RELEASE} file and {@code jars/} holding the test class path's
 * jars, {@code SPARK_SCALA_VERSION=2.13}, and the module's compiled classes as the executors' extra class path.
 *
 * <p>Opt-in ({@code -Dperennial.spark.localCluster=true}): starting a master, two workers and two executor JVMs
 * that each load libtorch took 75-193 s on the 2-core development machine at load 22-25 (over CI's budget for this
 * module); sweep-spark/README.md gives the command.
 */
@EnabledIfSystemProperty(named = "perennial.spark.localCluster", matches = "true")
class FeatureStatsLocalClusterTest {
    @TempDir
    Path dir;

    /** A stand-in Spark distribution: RELEASE and jars/ with links to the class path's jars. */
    private static String standInSparkHome() throws Exception {
        String home = System.getenv("SPARK_HOME");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("SPARK_HOME is not set; this module's surefire configuration sets it");
        }
        Path root = Path.of(home);
        Path jars = Files.createDirectories(root.resolve("jars"));
        if (!Files.exists(root.resolve("RELEASE"))) {
            Files.writeString(root.resolve("RELEASE"), "");
        }
        List<String> folders = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar")) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, p.toAbsolutePath());
                }
            } else if (Files.isDirectory(p)) {
                folders.add(p.toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, folders);
    }

    @Test
    void ranPacStatisticsFromTwoExecutorJvmsEqualTheSingleProcessPass() throws Exception {
        String classes = standInSparkHome();
        FeatureStatsJobTest.fixture(dir);
        Path exp = FeatureStatsJobTest.experiment("cluster", "{name: ranpac, config: {firstSessionAdaptation: false,"
                + " projectionWidth: 16, featureBatchSize: 4, " + FeatureStatsJobTest.backboneYaml() + "}}");
        FeatureStatsJob.Result single = FeatureStatsJob.singleProcess(exp);
        FirstSessionStatistics.Header h = single.statistics().header();
        String djl = "-Dai.djl.offline=true -Dai.djl.default_engine=PyTorch -Dai.djl.pytorch.num_threads=1"
                + " -Dai.djl.pytorch.num_interop_threads=1 -Xss4m";
        SparkSession spark = SparkSession.builder().master("local-cluster[2,1,1024]")
                .appName("FeatureStatsLocalClusterTest")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "localhost")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraClassPath", classes)
                .config("spark.executor.extraJavaOptions", djl)
                .config("spark.executor.memory", "768m")
                .getOrCreate();
        FeatureStatsJob.Result distributed;
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            distributed = FeatureStatsJob.spark(jsc, exp, h, List.of(new int[] {0, 5}, new int[] {5, h.rows()}));
        } finally {
            spark.stop();
        }
        assertArrayEquals(single.statistics().counts(), distributed.statistics().counts());
        Map<String, Double> d = FeatureStatsJob.differences(single.statistics(), distributed.statistics());
        assertTrue(d.get("G") <= 1e-6 * d.get("max|G|"), d.toString());
        assertTrue(d.get("Q") <= 1e-6 * d.get("max|Q|"), d.toString());
    }
}
