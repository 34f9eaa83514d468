package dev.perennial.slerpface.id3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.nn.Owned;
import dev.perennial.slerpface.faces.GeneratedFacesConfig;
import dev.perennial.slerpface.learn.GroupTemplateNet;
import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code id3} learner, its denoiser file and the {@code id3-synthetic} data set on 16×16 generated faces. */
class Id3LearnerTest {
    private static final SlerpFaceLearnerConfig RECOGNISER =
            new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1), 4, true, 4, 16, 0.2, false);
    private static final GeneratedFacesConfig FACES = new GeneratedFacesConfig(4, 2, 1, 16, 3);

    @TempDir
    Path dir;
    private NDManager m;
    private Path recogniserFile;

    @BeforeEach
    void open() throws Exception {
        m = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(1);
        GroupTemplateNet net = new GroupTemplateNet(RECOGNISER, 3, 16, 4);
        try (NDManager r = m.newSubManager()) {
            net.initialize(r, DataType.FLOAT32, new Shape(1, 3, 16, 16));
            recogniserFile = dir.resolve("recogniser.safetensors");
            Checkpoints.save(net, recogniserFile);
        }
    }

    @AfterEach
    void close() {
        m.close();
    }

    private Id3LearnerConfig config() {
        return new Id3LearnerConfig(recogniserFile.toString(), List.of(1, 1, 1, 1), 4, true, 4, List.of(8, 16), 2, 8,
                2, true, 100, 1e-3, 0.2, 0.1, 0.05, 16, true, 0.25, "export/id3-denoiser.safetensors");
    }

    private Id3Learner learner(NDManager owner) throws Exception {
        Engine.getInstance().setRandomSeed(2);
        RecogniserEmbedder f = RecogniserEmbedder.load(recogniserFile, RECOGNISER, 16, owner);
        return new Id3Learner(config(), new long[] {3, 16, 16}, 7, 4, f, owner, 5,
                dir.resolve("export/id3-denoiser.safetensors"));
    }

    private static Batch batch(NDManager m) {
        AttributedFaces faces = new AttributedFaces(FACES);
        int n = faces.train().size();
        float[] pixels = new float[n * 3 * 16 * 16];
        float[] attributes = new float[n * 7];
        long[] labels = new long[n];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            Example e = faces.train().get(i);
            float[] image = ((Feature.Floats) e.features().get("image")).values();
            System.arraycopy(image, 0, pixels, i * image.length, image.length);
            float[] a = ((Feature.Floats) e.features().get("attributes")).values();
            System.arraycopy(a, 0, attributes, i * 7, 7);
            labels[i] = e.label().orElseThrow();
            ids[i] = i;
        }
        NDArray images = Owned.floats(m, pixels, new Shape(n, 3, 16, 16));
        images.setName("image");
        NDArray attr = Owned.floats(m, attributes, new Shape(n, 7));
        attr.setName("attributes");
        return new Batch(new NDList(images, attr), Optional.of(Owned.longs(m, labels)), Optional.empty(), ids, 0,
                Map.of());
    }

    private static StepContext step(NDManager m, long global) {
        StepContext s = mock(StepContext.class);
        when(s.manager()).thenReturn(m);
        when(s.training()).thenReturn(true);
        when(s.globalStep()).thenReturn(global);
        return s;
    }

    @Test
    void attributesAreTheRenderersNuisanceAndThePixelsAreGeneratedFaces() {
        AttributedFaces attributed = new AttributedFaces(FACES);
        var plain = new dev.perennial.slerpface.faces.GeneratedFaces(FACES).train().get(3);
        Example e = attributed.train().get(3);
        assertArrayEquals(((Feature.Floats) plain.features().get("image")).values(),
                ((Feature.Floats) e.features().get("image")).values());
        float[] a = ((Feature.Floats) e.features().get("attributes")).values();
        assertEquals(7, a.length);
        assertFalse(java.util.Arrays.equals(a, ((Feature.Floats) attributed.train().get(2).features()
                .get("attributes")).values()), "each image has its own attributes");
    }

    @Test
    void lossTermsTrainOnlyTheDenoiserAndDependOnlyOnParametersAndStep() throws Exception {
        Id3Learner l = learner(m);
        l.beforeTask(new TaskInfo(0, "t", new int[] {0, 1, 2, 3}, 8, 4), null);
        float[] first;
        try (NDManager s = m.newSubManager()) {
            LossTerms terms;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                terms = l.loss(batch(s), step(s, 7));
                NDArray total = terms.terms().get(Id3Learner.DENOISE).add(terms.terms().get(Id3Learner.RECONSTRUCTION))
                        .add(terms.terms().get(Id3Learner.IDENTITY));
                gc.backward(total);
            }
            first = values(terms);
            for (float v : first) {
                assertTrue(Float.isFinite(v) && v >= 0, "term " + v);
            }
            double gradient = 0;
            for (Pair<String, Parameter> p : l.model().getParameters()) {
                gradient += p.getValue().getArray().getGradient().abs().sum().getFloat();
            }
            assertTrue(gradient > 0, "the denoiser receives gradients");
        }
        // A second learner with the first one's parameters (what a resumed run restores) computes the same terms
        // at the same global step: the step's draws come from (seed, step), not from a stream that a restart resets.
        try (NDManager other = m.newSubManager()) {
            Id3Learner resumed = learner(other);
            var target = resumed.model().getParameters();
            var source = l.model().getParameters();
            for (int i = 0; i < source.size(); i++) {
                source.get(i).getValue().getArray().copyTo(target.get(i).getValue().getArray());
            }
            try (NDManager s = m.newSubManager()) {
                assertArrayEquals(first, values(resumed.loss(batch(s), step(s, 7))));
                assertFalse(java.util.Arrays.equals(first, values(resumed.loss(batch(s), step(s, 8)))),
                        "another step draws other noise");
            }
        }
    }

    private static float[] values(LossTerms t) {
        return new float[] {t.terms().get(Id3Learner.DENOISE).getFloat(),
            t.terms().get(Id3Learner.RECONSTRUCTION).getFloat(), t.terms().get(Id3Learner.IDENTITY).getFloat()};
    }

    @Test
    void theExportHoldsOnlyTheDenoiserAndFeedsId3Synthetic() throws Exception {
        Id3Learner l = learner(m);
        l.afterTask(new TaskInfo(0, "t", new int[] {0, 1, 2, 3}, 8, 4), new OneBatch(batch(m)));
        Path file = dir.resolve("export/id3-denoiser.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(dev.perennial.models.ParameterNames.of(l.denoiser()).keySet().stream().sorted().toList(),
                    f.names().stream().sorted().toList(), "denoiser tensors only (no recogniser tensor)");
            assertEquals(recogniserFile.toString(), f.metadata().get("id3.recogniser"));
        }
        // state round trip (prototypes, steps)
        try (NDManager s = m.newSubManager()) {
            PluginState state = l.saveState(step(s, 0));
            Id3Learner fresh = learner(s);
            fresh.loadState(state);
            assertEquals(state.tensor("prototypes").getShape(), fresh.saveState(step(s, 0)).tensor("prototypes")
                    .getShape());
        }
        Id3Synthetic data = Id3Synthetic.generate(new Id3SyntheticConfig(file.toString(), "", 3, 2, 1, 0.5, 1.0, 1.5,
                3, 0.0, 4, 7), m);
        assertFalse(data.trained(), "0 training steps");
        assertTrue(data.describe().contains("UNTRAINED"), data.describe());
        assertEquals(6, data.train().size());
        assertEquals(3, data.test().size());
        float[] px = ((Feature.Floats) data.train().get(5).features().get("image")).values();
        assertEquals(3 * 16 * 16, px.length);
        for (float v : px) {
            assertTrue(v >= 0 && v <= 1);
        }
        assertEquals(2, data.train().get(5).label().orElseThrow());
        Id3SyntheticConfig same = new Id3SyntheticConfig(file.toString(), "", 3, 2, 1, 0.5, 1.0, 1.5, 3, 0.0, 4, 7);
        assertTrue(data == Id3Synthetic.generate(same, m), "the last set is not sampled twice");
        Id3Synthetic again = Id3Synthetic.sample(same, m);
        assertArrayEquals(px, ((Feature.Floats) again.train().get(5).features().get("image")).values(),
                "deterministic under the seed");
    }

    @Test
    void theRecogniserLoadsFromARunCheckpoint() throws Exception {
        // the loop saves learner/<DJL parameter path>; write one such file from a fresh network and read it back
        try (NDManager r = m.newSubManager()) {
            Engine.getInstance().setRandomSeed(4);
            GroupTemplateNet net = new GroupTemplateNet(RECOGNISER, 3, 16, 4);
            net.initialize(r, DataType.FLOAT32, new Shape(1, 3, 16, 16));
            dev.perennial.models.io.SafetensorsWriter w = dev.perennial.models.io.SafetensorsWriter.create();
            for (Pair<String, Parameter> p : net.getParameters()) {
                w.add("learner/" + p.getKey(), p.getValue().getArray());
            }
            Path file = dir.resolve("model.safetensors");
            w.write(file);
            NDArray x = Owned.floats(r, Id3PropertiesTest.gaussians(2 * 3 * 16 * 16, 3), new Shape(2, 3, 16, 16));
            float[] expected = RecogniserEmbedder.of(net, r).embed(x).toFloatArray();
            float[] loaded = RecogniserEmbedder.load(file, RECOGNISER, 16, r).embed(x).toFloatArray();
            assertArrayEquals(expected, loaded, 1e-6f);
            CheckpointExceptionCheck.assertNamesTensors(() -> RecogniserEmbedder.load(file,
                    new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1), 8, true, 4, 16, 0.2, false), 16, r));
        }
    }

    /** A mismatched recogniser is one line naming the file and a tensor. */
    private static final class CheckpointExceptionCheck {
        interface Load {
            void run() throws Exception;
        }

        static void assertNamesTensors(Load load) {
            Exception e = assertThrows(Exception.class, load::run);
            assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("learner/")
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void badInputIsAOneLineErrorNamingTheProblem() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Id3Synthetic.generate(
                new Id3SyntheticConfig(dir.resolve("nope.safetensors").toString(), "", 3, 2, 1, 0.5, 0, 1, 3, 0, 4, 7),
                m));
        assertTrue(missing.getMessage().contains("nope.safetensors") && missing.getMessage().contains("does not exist"),
                missing.getMessage());
        IllegalArgumentException notDenoiser = assertThrows(IllegalArgumentException.class,
                () -> Id3Synthetic.generate(new Id3SyntheticConfig(recogniserFile.toString(), "", 3, 2, 1, 0.5, 0, 1,
                        3, 0, 4, 7), m));
        assertTrue(notDenoiser.getMessage().contains("not an id3 denoiser file"), notDenoiser.getMessage());
        Id3Learner l = learner(m);
        Path file = dir.resolve("d.safetensors");
        l.denoiser().save(file, 0);
        // 16-d embedding, cosine <= -0.5 between every pair: at most 3 anchors fit (a simplex needs cos = -1/(N-1))
        IllegalArgumentException anchors = assertThrows(IllegalArgumentException.class, () -> Id3Synthetic.generate(
                new Id3SyntheticConfig(file.toString(), "", 5, 2, 1, -0.5, 0, 1, 3, 0, 4, 7), m));
        assertTrue(anchors.getMessage().startsWith("id3-synthetic: ") && anchors.getMessage().contains("of 5 identities fit"),
                anchors.getMessage());
        assertFalse(anchors.getMessage().contains("\n"));
        IllegalArgumentException noRecogniser = assertThrows(IllegalArgumentException.class,
                () -> new Id3LearnerProvider().create(Id3LearnerConfig.defaults(), null));
        assertTrue(noRecogniser.getMessage().contains("'recogniser' is required"), noRecogniser.getMessage());
    }

    /** The task data of one batch (for afterTask's prototypes). */
    private record OneBatch(Batch batch) implements dev.perennial.spi.TaskData {
        @Override
        public TaskInfo task() {
            return new TaskInfo(0, "t", new int[] {0, 1, 2, 3}, 8, 4);
        }

        @Override
        public void forEachBatch(int batchSize, java.util.function.BiConsumer<Batch, StepContext> visitor) {
            visitor.accept(batch, null);
        }

        @Override
        public void gradients(int batchSize, java.util.function.BiFunction<Batch, StepContext, NDArray> loss,
                java.util.function.BiConsumer<Batch, StepContext> afterBackward) {
            throw new UnsupportedOperationException();
        }
    }
}
