package dev.perennial.continual.safe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.perennial.continual.ptm.FirstSessionModel;
import dev.perennial.continual.ptm.FirstSessionStatistics;
import dev.perennial.continual.ptm.RidgeHead;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAFE's first session in pieces: the learner trains task 1 and exports the slow learner
 * ({@code firstSessionExport}); task 1's ridge statistics of that model (the slow and the fast head's projections
 * and λ splits) are computed in two partial passes and merged; a learner that loads the model and reads the
 * statistics trains nothing in task 1 and ends it with the ridge heads (G, Q, λ, solutions) and predictions of the
 * learner that made its own pass, for the official pooled order and for separate statistics with two projections.
 */
class SafeFirstSessionModelTest {
    @TempDir
    Path dir;

    private static final int CLASSES = 4;
    private static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "t0", new int[] {1, 0}, 14, 4),
            new TaskInfo(1, "t1", new int[] {2, 3}, 14, 4));

    private static SafeConfig official(Path checkpoint) {
        return SafeConfig.defaults().withBackbone(TinyPtm.backbone(checkpoint.toString(), "adapter"))
                .withProjectionWidth(24);
    }

    /** Separate statistics, one projection per learner. */
    private static SafeConfig separate(Path checkpoint) {
        return new SafeConfig(TinyPtm.backbone(checkpoint.toString(), "adapter"), 5e-10, 5e-9, 0.5, 1.0, 1.0,
                "entropy", 24, null, false, false, "official", false, "sum", "float32", 4, false, true);
    }

    private SafeLearner learner(SafeConfig config, NDManager root) {
        Engine.getInstance().setRandomSeed(2);
        return new SafeLearner(config, TinyPtm.context(root, TinyPtm.scenario(CLASSES, TASKS), dir), "safe");
    }

    private static TinyPtm.Images firstTask() {
        return TinyPtm.Images.of(TASKS.get(0).classes(), 7, 3);
    }

    /** Task 1 as the loop runs it (steps only when something trains); returns whether it trained. */
    private static boolean firstSession(SafeLearner learner, NDManager root, int steps) {
        return firstSession(learner, root, steps, true);
    }

    /** {@link #firstSession}, with data that fails the test when read ({@code readable} false). */
    private static boolean firstSession(SafeLearner learner, NDManager root, int steps, boolean readable) {
        return TinyPtm.firstSession(learner, TASKS.get(0), firstTask(), root, steps, readable);
    }

    /** Task 1's statistics of the exported model from two partial passes (rows 9..14, then 0..9), merged. */
    private static FirstSessionStatistics pieces(SafeConfig config, FirstSessionModel model, NDManager root) {
        TinyPtm.Images images = firstTask();
        FirstSessionStatistics.Header h = SafeLearner.firstSessionHeader(config, CLASSES, TASKS.get(0).classes(), 7,
                images.size(), model.adaptedSha256(), 0);
        return TinyPtm.mergedPasses(h, config.backbone(), model, images, root, new int[][] {{9, 14}, {0, 9}});
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        float max = 0;
        for (float v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        assertEquals(expected.length, actual.length, what);
        // float32 G of 2 × 14 rows in the learner against float64 sums rounded once: 28 · 1e-6 of the largest entry.
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 28 * 1e-6 * max, what + "[" + i + "]");
        }
    }

    private static float[][] scores(SafeLearner learner, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1}, 4, 50);
            Predictions p = learner.predict(test.batch(m, 0, test.size(), 0), TinyPtm.step(m, 0, false));
            return p.scores().orElseThrow();
        }
    }

    @Test
    void aLearnerFedTheExportedModelAndItsMergedStatisticsSolvesTheSameRidgeHeads() throws Exception {
        Path checkpoint = TinyPtm.writeCheckpoint(dir, 3);
        for (SafeConfig base : List.of(official(checkpoint), separate(checkpoint))) {
            String tag = base.sharedRidgeStatistics() ? "official" : "separate";
            Path modelFile = dir.resolve(tag + "-model.safetensors");
            Path statsFile = dir.resolve(tag + "-stats.safetensors");
            try (NDManager root = NDManager.newBaseManager()) {
                SafeLearner trained = learner(base.withFirstSession(modelFile.toString(), "", ""), root);
                assertTrue(firstSession(trained, root, 2));
                FirstSessionModel model = FirstSessionModel.read(modelFile, root);
                FirstSessionStatistics stats = pieces(base, model, root);
                assertEquals(base.sharedRandomProjection(), stats.header().fastProjectionSeed()
                        == stats.header().projectionSeed(), tag);
                stats.write(statsFile);

                SafeLearner fed = learner(base.withFirstSession("", modelFile.toString(), statsFile.toString()),
                        root);
                assertFalse(firstSession(fed, root, 2, false), tag + ": a loaded first session trains nothing");
                RidgeHead a = trained.slowRidge().orElseThrow();
                RidgeHead b = fed.slowRidge().orElseThrow();
                assertClose(a.gram().toFloatArray(), b.gram().toFloatArray(), tag + " slow G");
                assertClose(a.targets().toFloatArray(), b.targets().toFloatArray(), tag + " slow Q");
                assertEquals(a.lambda(), b.lambda(), tag + " slow λ");
                RidgeHead fa = trained.fastRidge().orElseThrow();
                RidgeHead fb = fed.fastRidge().orElseThrow();
                assertClose(fa.gram().toFloatArray(), fb.gram().toFloatArray(), tag + " fast G");
                assertEquals(fa.lambda(), fb.lambda(), tag + " fast λ");
                assertArrayEquals(fa.solution().toFloatArray(), fb.solution().toFloatArray(), 1e-4f, tag + " W_fast");
                assertArrayEquals(a.solution().toFloatArray(), b.solution().toFloatArray(), 1e-4f, tag + " W_slow");
                float[][] expected = scores(trained, root);
                float[][] actual = scores(fed, root);
                for (int i = 0; i < expected.length; i++) {
                    assertArrayEquals(expected[i], actual[i], 1e-4f, tag + " scores row " + i);
                }
            }
        }
    }

    @Test
    void statisticsOfAnotherFirstSessionOrTheJointOrderAreRefused() throws Exception {
        Path checkpoint = TinyPtm.writeCheckpoint(dir, 3);
        Path modelFile = dir.resolve("model.safetensors");
        Path statsFile = dir.resolve("stats.safetensors");
        SafeConfig base = official(checkpoint);
        try (NDManager root = NDManager.newBaseManager()) {
            firstSession(learner(base.withFirstSession(modelFile.toString(), "", ""), root), root, 2);
            FirstSessionModel model = FirstSessionModel.read(modelFile, root);
            pieces(base, model, root).write(statsFile);
            SafeLearner other = learner(base.withFirstSession("", "", statsFile.toString()), root);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> firstSession(other, root, 3));
            assertTrue(e.getMessage().contains("'adaptedSha256' is " + model.adaptedSha256()), e.getMessage());
            // Another projection width.
            SafeLearner wider = learner(base.withProjectionWidth(32).withFirstSession("", modelFile.toString(),
                    statsFile.toString()), root);
            e = assertThrows(IllegalArgumentException.class, () -> firstSession(wider, root, 2));
            assertTrue(e.getMessage().contains("'projectionWidth' is 24"), e.getMessage());
            // The model of an aper learner is not SAFE's.
            e = assertThrows(IllegalArgumentException.class, () -> model.requireMatches("aper", CLASSES,
                    TASKS.get(0).classes(), model.checkpointSha256(), "aper"));
            assertTrue(e.getMessage().contains("'method' is safe"), e.getMessage());
        }
        e2(base, statsFile);
    }

    private static void e2(SafeConfig base, Path statsFile) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base.withEarlierSdkBehaviour(true).withFirstSession("", "", statsFile.toString()));
        assertTrue(e.getMessage().contains("pooledStatisticsOrder"), e.getMessage());
    }
}
