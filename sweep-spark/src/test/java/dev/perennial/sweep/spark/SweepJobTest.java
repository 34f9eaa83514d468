package dev.perennial.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark executor in {@code local[2]}: a 2 x 2 sweep of tiny generated-shapes runs, each a child
 * {@code bin/perennial run}; the Parquet and CSV tables, the aggregates, resuming; a failing point is a row; a
 * cancelled job leaves no child (nor a child's child) running.
 */
class SweepJobTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("SweepJobTest")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "localhost")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private record Result(int code, String out) {}

    private static Result job(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = SweepJob.run(spark, ps, args);
        return new Result(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTwoByTwoSweepRunsOneChildPerTaskWritesParquetAndCsvAndResumes() throws Exception {
        Files.writeString(dir.resolve("tiny.yaml"), """
                name: tiny
                seed: 5
                dataset: {name: generated-shapes, config: {classes: 4, trainPerClass: 12, testPerClass: 4, size: 16}}
                scenario: {name: class-incremental, config: {increment: 2}}
                learner: {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}
                training: {epochs: 1, batchSize: 16, dataWorkers: 1}
                """);
        Path file = Files.writeString(dir.resolve("pair.yaml"), """
                base: tiny.yaml
                axes:
                  learner:
                    - {name: finetune, config: {backbone: {channels: 4, featureDim: 16}}}
                    - {name: ewc, config: {backbone: {channels: 4, featureDim: 16}}}
                  seed: [1, 2]
                parallel: 2
                """);
        Path out = dir.resolve("out");
        String cli = ROOT.resolve("bin/perennial").toString();
        Result r = job(file.toString(), "--out", out.toString(), "--cli", cli, "--baseline", "finetune");
        assertEquals(0, r.code(), r.out() + logs(out));
        assertTrue(r.out().contains("pair-ewc"), r.out());

        List<Row> parquet = spark.read().parquet(out.resolve("runs.parquet").toString()).orderBy("point")
                .collectAsList();
        List<String> names = List.of("pair-ewc-s1", "pair-ewc-s2", "pair-finetune-s1", "pair-finetune-s2");
        assertEquals(names, parquet.stream().map(x -> x.<String>getAs("point")).toList());
        Map<String, Double> avg = new HashMap<>();
        for (Row row : parquet) {
            String n = row.getAs("point");
            assertEquals("ran", row.getAs("status"), n);
            assertEquals(0, (int) row.<Integer>getAs("exitCode"), n);
            double a = row.getAs("averageIncrementalAccuracy");
            assertTrue(a >= 0 && a <= 1, n + " " + a);
            avg.put(n, a);
            String run = row.getAs("runDirectory");
            assertTrue(Path.of(run).startsWith(out.resolve(n)), run);
            assertTrue(Path.of(run).getFileName().toString().startsWith(n + "-"), run);
            String report = row.getAs("report");
            assertEquals(Files.readString(Path.of(run, "report.json")), report);
            assertTrue(report.contains("\"paired\"") || row.<String>getAs("learner").length() > 0);
        }
        // CSV round trip: the same rows and numbers (no report column: multi-line text belongs in Parquet).
        List<Row> csv = spark.read().option("header", true).option("inferSchema", true)
                .csv(out.resolve("runs.csv").toString()).orderBy("point").collectAsList();
        assertEquals(4, csv.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(names.get(i), csv.get(i).getAs("point"));
            assertEquals(avg.get(names.get(i)), ((Number) csv.get(i).getAs("averageIncrementalAccuracy"))
                    .doubleValue(), 0.0);
            assertEquals(0, ((Number) csv.get(i).getAs("exitCode")).intValue());
        }
        assertFalse(List.of(csv.get(0).schema().fieldNames()).contains("report"));
        // Aggregates: mean and sample std over the two seeds, per learner; paired differences against finetune.
        List<Row> summary = spark.read().option("header", true).option("inferSchema", true)
                .csv(out.resolve("summary.csv").toString()).orderBy("group").collectAsList();
        assertEquals(2, summary.size());
        for (Row s : summary) {
            String g = s.getAs("group");
            double x = avg.get(g + "-s1");
            double y = avg.get(g + "-s2");
            assertEquals(2, ((Number) s.getAs("points")).intValue());
            assertEquals((x + y) / 2, ((Number) s.getAs("averageIncrementalAccuracy_mean")).doubleValue(), 1e-12);
            assertEquals(Math.abs(x - y) / Math.sqrt(2),
                    ((Number) s.getAs("averageIncrementalAccuracy_std")).doubleValue(), 1e-12);
        }
        List<Row> paired = spark.read().option("header", true).option("inferSchema", true)
                .csv(out.resolve("paired.csv").toString()).collectAsList();
        assertEquals(1, paired.size());
        assertEquals("pair-ewc", paired.get(0).getAs("group"));
        assertEquals(2, ((Number) paired.get(0).getAs("pairs")).intValue());
        double diff = ((avg.get("pair-ewc-s1") - avg.get("pair-finetune-s1"))
                + (avg.get("pair-ewc-s2") - avg.get("pair-finetune-s2"))) / 2;
        assertEquals(diff, ((Number) paired.get(0).getAs("avgIncAcc_diff_mean")).doubleValue(), 1e-12);
        assertNoChildAlive();

        // Again: every point is finished, so nothing runs and no run folder is added.
        Result again = job(file.toString(), "--out", out.toString(), "--cli", cli);
        assertEquals(0, again.code(), again.out());
        for (Row row : spark.read().parquet(out.resolve("runs.parquet").toString()).collectAsList()) {
            assertEquals("skipped", row.getAs("status"));
            assertNull(row.getAs("exitCode"));
            assertEquals(avg.get(row.<String>getAs("point")), row.<Double>getAs("averageIncrementalAccuracy"));
            try (Stream<Path> s = Files.list(out.resolve(row.<String>getAs("point")))) {
                assertEquals(1, s.filter(Files::isDirectory).count());
            }
        }
    }

    @Test
    void aFailingPointIsARowAndACancelledJobLeavesNoChildRunning() throws Exception {
        // A stand-in CLI: "ok" points write a report, "fail" points exit 3, "hang" points start a grandchild and wait.
        Path cli = dir.resolve("fake-perennial");
        Files.writeString(cli, """
                #!/bin/sh
                dir="$4"
                case "$dir" in
                  *fail*) echo "fake: no such field"; exit 3 ;;
                  *hang*) sleep 300 & echo $! > "$dir/grandchild"; echo $$ > "$dir/pid"; wait ;;
                  *) mkdir -p "$dir/run-1"
                     echo '{"summary": {"averageIncrementalAccuracy": 0.5, "lastAccuracy": "NaN", "forgetting": null,
                       "backwardTransfer": -0.25}, "timings": {"total": 1.5}}' > "$dir/run-1/report.json" ;;
                esac
                """);
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
        Path out = dir.resolve("out");
        Result r = job("--plan", plan(cli, out, "ok", "fail").toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.out());
        List<Row> rows = spark.read().parquet(out.resolve("runs.parquet").toString()).orderBy("point")
                .collectAsList();
        assertEquals(2, rows.size());
        Row fail = rows.get(0);
        Row ok = rows.get(1);
        assertEquals("failed", fail.getAs("status"));
        assertEquals(3, (int) fail.<Integer>getAs("exitCode"));
        assertTrue(fail.<String>getAs("message").contains("fake: no such field"), fail.<String>getAs("message"));
        assertNull(fail.getAs("averageIncrementalAccuracy"));
        assertEquals("ran", ok.getAs("status"));
        assertEquals(0.5, ok.<Double>getAs("averageIncrementalAccuracy"));
        assertNull(ok.getAs("lastAccuracy"), "the report's \"NaN\" is null");
        assertEquals(-0.25, ok.<Double>getAs("backwardTransfer"));
        assertTrue(r.out().contains("FAILED t-fail-s1"), r.out());

        // A job cancelled while its points run (as when a sibling task fails or the driver goes): no child survives.
        Path hangOut = dir.resolve("hang");
        Path plan = plan(cli, hangOut, "hang-a", "hang-b");
        Thread t = new Thread(() -> {
            try {
                job("--plan", plan.toString(), "--out", hangOut.toString());
            } catch (RuntimeException e) {
                // the cancelled job's exception
            }
        });
        t.start();
        List<Long> pids = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (String p : List.of("t-hang-a-s1", "t-hang-b-s1")) {
            for (String f : List.of("pid", "grandchild")) {
                Path file = hangOut.resolve(p).resolve(f);
                while (!(Files.isRegularFile(file) && !Files.readString(file).isBlank())) {
                    assertTrue(System.nanoTime() < until, "the points did not start: " + file);
                    Thread.sleep(100);
                }
                pids.add(Long.parseLong(Files.readString(file).strip()));
            }
        }
        for (long pid : pids) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "running: " + pid);
        }
        spark.sparkContext().cancelAllJobs();
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(t.isAlive(), "the cancelled job did not end");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                assertTrue(System.nanoTime() < deadline, "process " + pid + " outlived its cancelled task");
                Thread.sleep(100);
            }
        }
        assertNoChildAlive();
    }

    /** A plan of points t-NAME-s1 run by the given CLI. */
    private Path plan(Path cli, Path out, String... names) throws Exception {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            String n = "t-" + names[i] + "-s1";
            points.append(i == 0 ? "" : ",").append("""
                    {"index": %d, "name": "%s", "learner": "%s", "seed": 1, "group": "t-%s", "pairKey": "{seed=1}",
                     "axes": {"learner": "%s", "seed": "1"}, "overrides": ["seed=1", "name=%s"]}
                    """.formatted(i, n, names[i], names[i], names[i], n));
        }
        Path base = Files.writeString(dir.resolve("base.yaml"), "name: t\n");
        return Files.writeString(dir.resolve("plan-" + names[0] + ".json"), """
                {"format": "perennial-sweep-plan/1", "sweep": "t", "base": "%s", "seeds": "paired", "parallel": 2,
                 "directory": "%s", "axes": [], "launcher": ["%s"], "points": [%s]}
                """.formatted(base, out, cli, points));
    }

    private static void assertNoChildAlive() {
        List<ProcessHandle> alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        assertTrue(alive.isEmpty(), "children still running: " + alive.stream()
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList());
    }

    private static String logs(Path out) throws Exception {
        StringBuilder b = new StringBuilder();
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.walk(out)) {
                for (Path p : s.filter(f -> f.getFileName().toString().equals("log.txt")).toList()) {
                    b.append("\n--- ").append(p).append('\n').append(Files.readString(p));
                }
            }
        }
        return b.toString();
    }
}
