package dev.perennial.slerpface.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.perennial.models.nn.Owned;
import dev.perennial.slerpface.DropoutMode;
import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.SlerpProtector;
import dev.perennial.slerpface.faces.GeneratedFaces;
import dev.perennial.slerpface.faces.GeneratedFacesConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.Protector;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The grouping learner on generated faces: its losses train through a plain loop (the test stands in for the
 * shared loop and owns the one gradient collector), and its templates feed the protector.
 */
class SlerpFaceLearnerTest {

    private static final int IDENTITIES = 6;
    private static final int IMAGES = 2;
    private static final SlerpFaceLearnerConfig SMALL = new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1), 8, true, 8,
            16, 0.2, false);

    private final GeneratedFaces faces = new GeneratedFaces(new GeneratedFacesConfig(IDENTITIES, IMAGES, 1, 32, 3));
    private NDManager root;

    @BeforeEach
    void open() {
        root = NDManager.newBaseManager(Device.cpu());
        Engine.getInstance().setRandomSeed(5);
    }

    @AfterEach
    void close() {
        root.close();
    }

    private Learner learner() {
        return learner(SMALL);
    }

    private Learner learner(SlerpFaceLearnerConfig config) {
        PluginContext c = mock(PluginContext.class);
        when(c.manager()).thenReturn(root);
        when(c.device()).thenReturn(Device.cpu());
        when(c.seed()).thenReturn(5L);
        when(c.pluginName()).thenReturn("slerpface-grouping");
        when(c.workDirectory()).thenReturn(Path.of("."));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < IDENTITIES; i++) {
            names.add("id-" + i);
        }
        when(c.scenario()).thenReturn(Optional.of(new ScenarioInfo("faces", names,
                List.of(new TaskInfo(0, "task-0", new int[] {0, 1, 2, 3, 4, 5}, 12, 6)),
                Map.of("image", new long[] {3, 32, 32}))));
        return new SlerpFaceLearnerProvider().create(config, c);
    }

    private float[] pixels;
    private long[] labels;

    private Batch trainingBatch(NDManager m) {
        int n = faces.train().size();
        long[] ids = new long[n];
        if (pixels == null) {
            pixels = new float[n * 3 * 32 * 32];
            labels = new long[n];
            for (int i = 0; i < n; i++) {
                var example = faces.train().get(i);
                float[] image = ((Feature.Floats) example.features().get("image")).values();
                System.arraycopy(image, 0, pixels, i * image.length, image.length);
                labels[i] = example.label().orElseThrow();
            }
        }
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        // Owned: the batch is unreachable once loss() returns, and autograd's saved inputs must not point into a
        // Java buffer the collector may free before backward.
        NDArray images = Owned.floats(m, pixels, new Shape(n, 3, 32, 32));
        images.setName("image");
        return new Batch(new NDList(images), Optional.of(Owned.longs(m, labels)), Optional.empty(), ids, 0, Map.of());
    }

    private static StepContext step(NDManager m) {
        StepContext s = mock(StepContext.class);
        when(s.manager()).thenReturn(m);
        when(s.training()).thenReturn(true);
        return s;
    }

    @Test
    void groupCountFollowsTheLastStage() {
        SlerpFaceLearner l = (SlerpFaceLearner) learner();
        assertEquals(16, l.net().groups());
        assertEquals(7 * 7, GroupTemplateNet.finalSide(224, false) * GroupTemplateNet.finalSide(224, false));
    }

    @Test
    void lossesTrainInAPlainLoopAndTemplatesFeedTheProtector() {
        SlerpFaceLearner l = (SlerpFaceLearner) learner();
        l.beforeTask(new TaskInfo(0, "task-0", new int[] {0, 1, 2, 3, 4, 5}, 12, 6), null);
        float first = Float.NaN;
        float last = Float.NaN;
        for (int s = 0; s < 12; s++) {
            try (NDManager m = root.newSubManager()) {
                LossTerms terms;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    terms = l.loss(trainingBatch(m), step(m));
                    NDArray total = terms.terms().get(SlerpFaceLearner.ARCFACE).add(
                            terms.terms().get(SlerpFaceLearner.XCOS));
                    collector.backward(total);
                }
                float arc = terms.terms().get(SlerpFaceLearner.ARCFACE).getFloat();
                assertTrue(Float.isFinite(arc) && Float.isFinite(terms.terms().get(SlerpFaceLearner.XCOS).getFloat()));
                if (s == 0) {
                    first = arc;
                }
                last = arc;
                for (var pair : l.model().getParameters()) {
                    if (pair.getValue().requiresGradient()) {
                        NDArray value = pair.getValue().getArray();
                        value.subi(value.getGradient().mul(0.05f));
                    }
                }
            }
        }
        assertTrue(last < first, "ArcFace loss went from " + first + " to " + last);

        try (NDManager m = root.newSubManager()) {
            Batch batch = trainingBatch(m);
            float[][] templates = l.extract(batch.input("image"));
            assertEquals(IDENTITIES * IMAGES, templates.length);
            assertEquals(16 * 8 + 16, templates[0].length);
            double sum = 0;
            for (int i = 0; i < 16; i++) {
                sum += templates[0][16 * 8 + i];
            }
            assertEquals(1.0, sum, 1e-4);
            SlerpProtector protector = new SlerpProtector(new SlerpFaceConfig(0.9, 0.5, 8, 16, 4,
                    DropoutMode.WITH_REPLACEMENT, 1e-7, 1));
            Protector.TemplateKey key = protector.newKey(3);
            Protector.ProtectedTemplate stored = protector.protect(templates[0], key);
            assertEquals(1.0, protector.similarity(stored, templates[0], key), 1e-4);
        }
    }

    @Test
    void wrongImagesAreRejectedWithTheExpectedShape() {
        SlerpFaceLearner l = (SlerpFaceLearner) learner();
        try (NDManager m = root.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> l.extract(m.zeros(new Shape(2, 3, 16, 16))));
            assertTrue(e.getMessage().contains("(N, 3, 32, 32)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SlerpFaceLearnerConfig(List.of(1, 1), 8, true, 8, 16,
                0.2, false));
        assertThrows(IllegalArgumentException.class, () -> new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1), 8, true, 8,
                16, 2.0, false));
    }

    @Test
    void withPredictTemplatesThePredictionsAreTheExtractedTemplates() {
        SlerpFaceLearnerConfig templates = new SlerpFaceLearnerConfig(SMALL.layers(), SMALL.baseWidth(),
                SMALL.cifarStem(), SMALL.groupSize(), SMALL.arcFaceScale(), SMALL.arcFaceMargin(),
                SMALL.flipMirrorBack(), true);
        SlerpFaceLearner l = (SlerpFaceLearner) learner(templates);
        l.beforeTask(new TaskInfo(0, "task-0", new int[] {0, 1, 2, 3, 4, 5}, 12, 6), null);
        try (NDManager m = root.newSubManager()) {
            Batch batch = trainingBatch(m);
            float[][] expected = l.extract(batch.input("image"));
            float[][] predicted = l.predict(batch, step(m)).scores().orElseThrow();
            assertEquals(expected.length, predicted.length);
            for (int i = 0; i < expected.length; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected[i], predicted[i], 0f, "row " + i);
            }
            // Without the option: the identities' cosines, one column per identity.
            SlerpFaceLearner plain = (SlerpFaceLearner) learner();
            plain.beforeTask(new TaskInfo(0, "task-0", new int[] {0, 1, 2, 3, 4, 5}, 12, 6), null);
            assertEquals(IDENTITIES, plain.predict(batch, step(m)).scores().orElseThrow()[0].length);
        }
    }
}
