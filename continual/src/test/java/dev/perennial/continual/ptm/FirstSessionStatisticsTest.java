package dev.perennial.continual.ptm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First-session statistics computed in pieces ({@link FirstSessionPass}, rows in two uneven parts, out of order) and
 * merged equal what the learner's own pass computes, and a learner fed the file predicts as the learner that made its
 * own pass; files of another configuration are refused naming the field.
 */
class FirstSessionStatisticsTest {
    @TempDir
    Path dir;

    private static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "t0", new int[] {2, 0, 1}, 15, 3),
            new TaskInfo(1, "t1", new int[] {3}, 5, 1));
    private static final int WIDTH = 24;

    private PtmBaselineLearner.Settings settings(PtmBaselineLearner.Method method, Path checkpoint, String file) {
        return new PtmBaselineLearner.Settings(TinyPtm.backbone(checkpoint.toString(), "adapter"), false, false,
                WIDTH, RidgeHead.RANPAC_LAMBDAS, RidgeHead.Precision.FLOAT32, 4, 1.0, file);
    }

    private PtmBaselineLearner learner(PtmBaselineLearner.Method method, Path checkpoint, String file,
                                       NDManager root) {
        Engine.getInstance().setRandomSeed(4);
        ScenarioInfo scenario = TinyPtm.scenario(4, TASKS);
        return new PtmBaselineLearner(method, settings(method, checkpoint, file), TinyPtm.context(root, scenario, dir),
                method.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The first task's training images: 5 of each class, in the scenario's row order. */
    private static TinyPtm.Images firstTask() {
        return TinyPtm.Images.of(TASKS.get(0).classes(), 5, 0);
    }

    /** The statistics from two processes' worth of rows: 11 rows (out of order), then the other 4, merged. */
    private FirstSessionStatistics pieces(PtmBaselineLearner.Method method, Path checkpoint, NDManager root) {
        TinyPtm.Images images = firstTask();
        FirstSessionStatistics.Header h = PtmBaselineLearner.firstSessionHeader(method,
                settings(method, checkpoint, ""), 4, TASKS.get(0).classes(), 7, images.size(), "");
        FirstSessionStatistics a;
        FirstSessionStatistics b;
        try (FirstSessionPass pass = new FirstSessionPass(h, TinyPtm.backbone(checkpoint.toString(), "adapter"),
                root); NDManager m = root.newSubManager()) {
            add(pass, images, m, 4, 15);
            add(pass, images, m, 0, 2);
            a = pass.statistics();
        }
        try (FirstSessionPass pass = new FirstSessionPass(h, TinyPtm.backbone(checkpoint.toString(), "adapter"),
                root); NDManager m = root.newSubManager()) {
            add(pass, images, m, 2, 4);
            b = pass.statistics();
        }
        return FirstSessionStatistics.empty(h).merge(b).merge(a);
    }

    private static void add(FirstSessionPass pass, TinyPtm.Images images, NDManager m, int from, int to) {
        Batch batch = images.batch(m, from, to, 0);
        int[] rows = new int[to - from];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = from + i;
        }
        pass.add(batch.input("image"), batch.requireLabels().toLongArray(), rows);
    }

    private static void firstSession(PtmBaselineLearner learner, NDManager root) {
        TaskInfo info = TASKS.get(0);
        learner.beforeTask(info, TinyPtm.taskData(info, firstTask(), root));
        learner.afterTask(info, TinyPtm.taskData(info, firstTask(), root));
    }

    private static float[][] scores(PtmBaselineLearner learner, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2}, 4, 50);
            Predictions p = learner.predict(test.batch(m, 0, test.size(), 0), TinyPtm.step(m, 0, false));
            return p.scores().orElseThrow();
        }
    }

    private static void assertSameScores(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], 1e-5f, "row " + i);
        }
    }

    @Test
    void simpleCilFedTheMergedFileScoresAsItsOwnPass() throws Exception {
        Path checkpoint = TinyPtm.writeCheckpoint(dir, 3);
        Path file = dir.resolve("simplecil.safetensors");
        try (NDManager root = NDManager.newBaseManager()) {
            FirstSessionStatistics s = pieces(PtmBaselineLearner.Method.SIMPLECIL, checkpoint, root);
            assertArrayEquals(new long[] {5, 5, 5, 0}, s.counts());
            s.write(file);
            PtmBaselineLearner own = learner(PtmBaselineLearner.Method.SIMPLECIL, checkpoint, "", root);
            firstSession(own, root);
            PtmBaselineLearner fed = learner(PtmBaselineLearner.Method.SIMPLECIL, checkpoint, file.toString(), root);
            firstSession(fed, root);
            // The prototypes (cosine head rows) of the file are the learner's own to float32 rounding.
            float[] ownRows = own.scoreHead().orElseThrow().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
            float[] fedRows = fed.scoreHead().orElseThrow().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
            assertArrayEquals(ownRows, fedRows, 1e-6f);
            assertSameScores(scores(own, root), scores(fed, root));
            // Read back: the same sums.
            FirstSessionStatistics back = FirstSessionStatistics.read(file, root);
            for (int c : new int[] {0, 1, 2}) {
                assertArrayEquals(s.prototypes().mean(c), back.prototypes().mean(c), 0f);
            }
        }
    }

    @Test
    void ranPacFedTheMergedFileSolvesTheSameRidgeHead() throws Exception {
        Path checkpoint = TinyPtm.writeCheckpoint(dir, 3);
        Path file = dir.resolve("ranpac.safetensors");
        try (NDManager root = NDManager.newBaseManager()) {
            FirstSessionStatistics s = pieces(PtmBaselineLearner.Method.RANPAC, checkpoint, root);
            s.write(file);
            PtmBaselineLearner own = learner(PtmBaselineLearner.Method.RANPAC, checkpoint, "", root);
            firstSession(own, root);
            PtmBaselineLearner fed = learner(PtmBaselineLearner.Method.RANPAC, checkpoint, file.toString(), root);
            firstSession(fed, root);
            // G and Q: the learner accumulates in float32 over the 15 rows; the file in float64. The bound: float32
            // rounding of a 15-term dot product, |ΔG| <= 15 · 2⁻²⁴ · Σ|h_i||h_j| <= 1e-6 · max|G| · 15.
            float[] g = own.ridge().orElseThrow().gram().toFloatArray();
            double[] g64 = s.gram();
            float max = 0;
            for (float v : g) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < g.length; i++) {
                assertEquals(g[i], g64[i], 15 * 1e-6 * max, "G[" + i + "]");
            }
            float[] q = own.ridge().orElseThrow().targets().toFloatArray();
            double[] q64 = s.targets();
            for (int i = 0; i < q.length; i++) {
                assertEquals(q[i], q64[i], 15 * 1e-6 * max, "Q[" + i + "]");
            }
            assertEquals(own.ridge().orElseThrow().lambda(), fed.ridge().orElseThrow().lambda());
            assertSameScores(scores(own, root), scores(fed, root));
        }
    }

    @Test
    void mismatchedFilesAreRefusedNamingTheField() throws Exception {
        Path checkpoint = TinyPtm.writeCheckpoint(dir, 3);
        Path file = dir.resolve("ranpac.safetensors");
        try (NDManager root = NDManager.newBaseManager()) {
            pieces(PtmBaselineLearner.Method.RANPAC, checkpoint, root).write(file);
            // Another method.
            PtmBaselineLearner simple = learner(PtmBaselineLearner.Method.SIMPLECIL, checkpoint, file.toString(),
                    root);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> firstSession(simple,
                    root));
            assertTrue(e.getMessage().contains("'method' is ranpac, the learner's is simplecil"), e.getMessage());
            // Another checkpoint (same architecture, other weights).
            Path other = dir.resolve("other");
            java.nio.file.Files.createDirectories(other);
            Path otherCheckpoint = TinyPtm.writeCheckpoint(other, 5);
            PtmBaselineLearner ranpac = learner(PtmBaselineLearner.Method.RANPAC, otherCheckpoint, file.toString(),
                    root);
            e = assertThrows(IllegalArgumentException.class, () -> firstSession(ranpac, root));
            assertTrue(e.getMessage().contains("'checkpointSha256'"), e.getMessage());
            // Another projection seed (another plugin seed).
            Engine.getInstance().setRandomSeed(4);
            PtmBaselineLearner seeded = new PtmBaselineLearner(PtmBaselineLearner.Method.RANPAC,
                    settings(PtmBaselineLearner.Method.RANPAC, checkpoint, file.toString()),
                    contextWithSeed(TinyPtm.context(root, TinyPtm.scenario(4, TASKS), dir), 8), "ranpac");
            e = assertThrows(IllegalArgumentException.class, () -> firstSession(seeded, root));
            assertTrue(e.getMessage().contains("'projectionSeed'"), e.getMessage());
            // Not such a file: another format, a tensor whose shape is not the header's.
            Path other2 = dir.resolve("weights.safetensors");
            dev.perennial.models.io.SafetensorsWriter.create().metadata("format", "pt")
                    .addRaw("x", dev.perennial.models.io.SafetensorsDType.F64, new ai.djl.ndarray.types.Shape(1),
                            new byte[8]).write(other2);
            e = assertThrows(IllegalArgumentException.class, () -> FirstSessionStatistics.read(other2, root));
            assertTrue(e.getMessage().contains("has format 'pt'"), e.getMessage());
            Path lying = dir.resolve("lying.safetensors");
            dev.perennial.models.io.SafetensorsWriter w = dev.perennial.models.io.SafetensorsWriter.create();
            try (dev.perennial.models.io.SafetensorsFile f = dev.perennial.models.io.SafetensorsFile.open(file)) {
                f.metadata().forEach(w::metadata);
                for (String name : f.names()) {
                    NDArray a = f.read(name, root);
                    if (name.equals("gram_fit")) {
                        a = a.reshape(WIDTH / 2, WIDTH * 2);
                    }
                    w.add(name, a);
                }
            }
            w.write(lying);
            e = assertThrows(IllegalArgumentException.class, () -> FirstSessionStatistics.read(lying, root));
            assertTrue(e.getMessage().contains("tensor 'gram_fit' has shape (12, 48)"), e.getMessage());
            // A learner whose first session trains.
            e = assertThrows(IllegalArgumentException.class, () -> new RanPacProvider.Config(
                    TinyPtm.backbone("", "adapter"), true, 8, null, "float32", 4, 1.0, file.toString()));
            assertTrue(e.getMessage().contains("firstSessionAdaptation"), e.getMessage());
        }
    }

    private static dev.perennial.spi.PluginContext contextWithSeed(dev.perennial.spi.PluginContext c, long seed) {
        return new dev.perennial.spi.PluginContext() {
            @Override
            public String pluginName() {
                return c.pluginName();
            }

            @Override
            public NDManager manager() {
                return c.manager();
            }

            @Override
            public ai.djl.Device device() {
                return c.device();
            }

            @Override
            public long seed() {
                return seed;
            }

            @Override
            public Path workDirectory() {
                return c.workDirectory();
            }

            @Override
            public java.util.Optional<ScenarioInfo> scenario() {
                return c.scenario();
            }
        };
    }
}
