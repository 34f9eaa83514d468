package dev.perennial.continual.ptm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * APER's first session in pieces: the learner trains its first session and exports the adapted model
 * ({@code firstSessionExport}); the statistics of that model are computed in two partial passes and merged (what the
 * Spark job's partitions do); a learner that loads the model ({@code firstSessionModel}) and reads the statistics
 * ({@code firstSessionStatistics}) trains nothing in the first session and ends it with the prototypes and scores of
 * the learner that trained it and made its own pass. Statistics of another adapted model are refused naming
 * {@code adaptedSha256}.
 */
class AperFirstSessionModelTest {
    @TempDir
    Path dir;

    private static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "t0", new int[] {2, 0, 1}, 15, 3),
            new TaskInfo(1, "t1", new int[] {3}, 5, 1));

    private PtmBaselineLearner learner(Path checkpoint, String stats, String model, String export, NDManager root) {
        Engine.getInstance().setRandomSeed(4);
        PtmBaselineLearner.Settings s = new PtmBaselineLearner.Settings(TinyPtm.backbone(checkpoint.toString(),
                "adapter"), true, false, 1, new double[] {1}, RidgeHead.Precision.FLOAT32, 4, 1.0, stats, model,
                export);
        return new PtmBaselineLearner(PtmBaselineLearner.Method.APER, s, TinyPtm.context(root,
                TinyPtm.scenario(4, TASKS), dir), "aper");
    }

    private static TinyPtm.Images firstTask() {
        return TinyPtm.Images.of(TASKS.get(0).classes(), 5, 0);
    }

    /** The first session as the loop runs it: steps only when something trains; returns whether it trained. */
    private static boolean firstSession(PtmBaselineLearner learner, NDManager root, int steps) {
        return firstSession(learner, root, steps, true);
    }

    /** {@link #firstSession}, with data that fails the test when read ({@code readable} false). */
    private static boolean firstSession(PtmBaselineLearner learner, NDManager root, int steps, boolean readable) {
        return TinyPtm.firstSession(learner, TASKS.get(0), firstTask(), root, steps, readable);
    }

    private static float[] prototypes(PtmBaselineLearner learner) {
        return learner.scoreHead().orElseThrow().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static float[][] scores(PtmBaselineLearner learner, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            TinyPtm.Images test = TinyPtm.Images.of(new int[] {0, 1, 2}, 4, 50);
            Predictions p = learner.predict(test.batch(m, 0, test.size(), 0), TinyPtm.step(m, 0, false));
            return p.scores().orElseThrow();
        }
    }

    /** The statistics of the exported model from two partial passes (rows 5..15 and 0..5), merged. */
    private static FirstSessionStatistics pieces(Path checkpoint, FirstSessionModel model, NDManager root) {
        TinyPtm.Images images = firstTask();
        PtmBaselineLearner.Settings s = new PtmBaselineLearner.Settings(TinyPtm.backbone(checkpoint.toString(),
                "adapter"), true, false, 1, new double[] {1}, RidgeHead.Precision.FLOAT32, 4, 1.0);
        FirstSessionStatistics.Header h = PtmBaselineLearner.firstSessionHeader(PtmBaselineLearner.Method.APER, s, 4,
                TASKS.get(0).classes(), 7, images.size(), model.adaptedSha256());
        return TinyPtm.mergedPasses(h, s.backbone(), model, images, root, new int[][] {{5, 15}, {0, 5}});
    }

    @Test
    void aLearnerFedTheExportedModelAndItsMergedStatisticsEndsTheFirstSessionAsTheOneThatTrainedIt()
            throws Exception {
        Path checkpoint = TinyPtm.writeCheckpoint(dir, 3);
        Path modelFile = dir.resolve("aper-first-session.safetensors");
        Path statsFile = dir.resolve("aper-stats.safetensors");
        try (NDManager root = NDManager.newBaseManager()) {
            PtmBaselineLearner trained = learner(checkpoint, "", "", modelFile.toString(), root);
            assertTrue(firstSession(trained, root, 2));
            FirstSessionModel model = FirstSessionModel.read(modelFile, root);
            PtmBaselineLearner.Net net = (PtmBaselineLearner.Net) trained.model();
            assertEquals(FirstSessionModel.contentHash(FirstSessionModel.tensors(net.adapted, net.head)),
                    model.adaptedSha256());

            FirstSessionStatistics stats = pieces(checkpoint, model, root);
            assertEquals(2 * TinyPtm.DIM, stats.header().featureDim());
            assertArrayEquals(new long[] {5, 5, 5, 0}, stats.counts());
            stats.write(statsFile);

            // Loaded model, own pass: exactly the trained learner's prototypes (same weights, same code).
            PtmBaselineLearner loaded = learner(checkpoint, "", modelFile.toString(), "", root);
            assertFalse(firstSession(loaded, root, 2), "a loaded first session trains nothing");
            assertArrayEquals(prototypes(trained), prototypes(loaded), 0f);

            // Loaded model and the merged statistics: the prototypes to float32 rounding, the same scores.
            PtmBaselineLearner fed = learner(checkpoint, statsFile.toString(), modelFile.toString(), "", root);
            assertFalse(firstSession(fed, root, 2, false));
            assertArrayEquals(prototypes(trained), prototypes(fed), 1e-6f);
            float[][] expected = scores(trained, root);
            float[][] actual = scores(fed, root);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], actual[i], 1e-5f, "row " + i);
            }
        }
    }

    @Test
    void statisticsOrAModelOfAnotherFirstSessionAreRefusedNamingTheField() throws Exception {
        Path checkpoint = TinyPtm.writeCheckpoint(dir, 3);
        Path modelFile = dir.resolve("aper-first-session.safetensors");
        Path statsFile = dir.resolve("aper-stats.safetensors");
        try (NDManager root = NDManager.newBaseManager()) {
            firstSession(learner(checkpoint, "", "", modelFile.toString(), root), root, 2);
            FirstSessionModel model = FirstSessionModel.read(modelFile, root);
            pieces(checkpoint, model, root).write(statsFile);
            // A learner whose own first session trained one step more: another adapted model.
            PtmBaselineLearner other = learner(checkpoint, statsFile.toString(), "", "", root);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> firstSession(other, root, 3));
            assertTrue(e.getMessage().contains("'adaptedSha256' is " + model.adaptedSha256()), e.getMessage());
            // The same training: the same adapted model, accepted.
            firstSession(learner(checkpoint, statsFile.toString(), "", "", root), root, 2);
            // A model adapted from another PTM checkpoint.
            Path elsewhere = java.nio.file.Files.createDirectories(dir.resolve("other"));
            Path otherCheckpoint = TinyPtm.writeCheckpoint(elsewhere, 5);
            PtmBaselineLearner wrongPtm = learner(otherCheckpoint, "", modelFile.toString(), "", root);
            e = assertThrows(IllegalArgumentException.class, () -> firstSession(wrongPtm, root, 2));
            assertTrue(e.getMessage().contains("first-session model") && e.getMessage().contains("'checkpointSha256'"),
                    e.getMessage());
            // A changed model file: its tensors no longer hash to its metadata.
            Path changed = dir.resolve("changed.safetensors");
            dev.perennial.models.io.SafetensorsWriter w = dev.perennial.models.io.SafetensorsWriter.create();
            try (dev.perennial.models.io.SafetensorsFile f = dev.perennial.models.io.SafetensorsFile.open(modelFile)) {
                f.metadata().forEach(w::metadata);
                for (String name : f.names()) {
                    NDArray a = f.read(name, root);
                    w.add(name, name.equals("head.sigma") ? a.add(1f) : a);
                }
            }
            w.write(changed);
            e = assertThrows(IllegalArgumentException.class, () -> FirstSessionModel.read(changed, root));
            assertTrue(e.getMessage().contains("the file was changed"), e.getMessage());
        }
    }
}
