package dev.perennial.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Capability;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.LabelMix;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinearSoftmaxLearnerTest {

    private static final int CLASSES = 3;
    private static final long[] IMAGE = {1, 2, 2};

    private NDManager root;

    @BeforeEach
    void open() {
        root = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void close() {
        root.close();
    }

    private PluginContext context(long seed, Optional<ScenarioInfo> scenario) {
        PluginContext c = mock(PluginContext.class);
        when(c.manager()).thenReturn(root);
        when(c.device()).thenReturn(Device.cpu());
        when(c.seed()).thenReturn(seed);
        when(c.pluginName()).thenReturn("example-linear");
        when(c.workDirectory()).thenReturn(Path.of("."));
        when(c.scenario()).thenReturn(scenario);
        return c;
    }

    private static Optional<ScenarioInfo> scenario() {
        return Optional.of(new ScenarioInfo("toy", List.of("a", "b", "c"),
                List.of(new TaskInfo(0, "task-0", new int[] {0, 1, 2}, 6, 6)), Map.of("image", IMAGE)));
    }

    private Learner learner(long seed) {
        return new LinearSoftmaxProvider().create(LinearSoftmaxConfig.defaults(), context(seed, scenario()));
    }

    private static StepContext step(NDManager manager, boolean training) {
        StepContext s = mock(StepContext.class);
        when(s.manager()).thenReturn(manager);
        when(s.training()).thenReturn(training);
        return s;
    }

    private static Batch batch(NDManager m, float[][] images, long[] labels, Optional<LabelMix> mix) {
        float[] flat = new float[images.length * 4];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, flat, 4 * i, 4);
        }
        NDArray image = m.create(flat, new Shape(images.length, 1, 2, 2));
        image.setName("image");
        long[] ids = new long[images.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return new Batch(new NDList(image), Optional.of(m.create(labels)), mix, ids, 0, Map.of());
    }

    /** Three well-separated clusters in 4 dimensions: class k sits around 2·e_k. */
    private static final float[][] POINTS = {
        {2f, 0.1f, 0f, 0.2f}, {1.8f, -0.2f, 0.1f, 0f}, {0.1f, 2f, 0.2f, 0f},
        {-0.1f, 2.2f, 0f, 0.1f}, {0f, 0.1f, 2f, 0.3f}, {0.2f, 0f, 1.9f, -0.1f}};
    private static final long[] POINT_LABELS = {0, 0, 1, 1, 2, 2};

    /** Cross-entropy computed in Java from logits, per sample: log Σ exp z − z_y. */
    private static double crossEntropy(float[] logits, int row, long label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < CLASSES; k++) {
            max = Math.max(max, logits[row * CLASSES + k]);
        }
        double sum = 0;
        for (int k = 0; k < CLASSES; k++) {
            sum += Math.exp(logits[row * CLASSES + k] - max);
        }
        return max + Math.log(sum) - logits[row * CLASSES + (int) label];
    }

    @Test
    void providerFollowsTheSpiContract() throws Exception {
        LinearSoftmaxProvider p = new LinearSoftmaxProvider();
        assertEquals("example-linear", p.name());
        assertEquals(p.name(), LinearSoftmaxProvider.class.getAnnotation(PluginName.class).value());
        assertTrue(PluginProvider.NAME.matcher(p.name()).matches());
        assertTrue(SpiVersion.isCompatible(p.spiVersion()));
        assertTrue(p.capabilities().contains(Capability.CLASS_INCREMENTAL));
        assertFalse(p.description().isBlank());
        assertTrue(p.configType().isRecord());
        for (RecordComponent c : p.configType().getRecordComponents()) {
            assertNotNull(c.getAnnotation(ConfigDoc.class), c.getName() + " has no @ConfigDoc");
        }
        assertEquals(LinearSoftmaxConfig.defaults(), p.defaultConfig());
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinearSoftmaxConfig(0, 0, -1));
        assertTrue(e.getMessage().startsWith("initStd must be a finite number >= 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinearSoftmaxConfig(-2, 0, 0.01));
    }

    @Test
    void sizesItselfFromTheScenarioOrTheConfig() {
        Learner l = learner(1);
        Map<String, Shape> shapes = new java.util.HashMap<>();
        l.model().getParameters().forEach(pair -> shapes.put(pair.getValue().getType().name(), pair.getValue().getShape()));
        assertEquals(new Shape(CLASSES, 4), shapes.get("WEIGHT"));
        assertEquals(new Shape(CLASSES), shapes.get("BIAS"));

        Learner sized = new LinearSoftmaxProvider().create(new LinearSoftmaxConfig(5, 7, 0.01),
                context(1, Optional.empty()));
        assertEquals(5, ((LinearSoftmaxLearner) sized).classes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LinearSoftmaxProvider()
                .create(LinearSoftmaxConfig.defaults(), context(1, Optional.empty())));
        assertTrue(e.getMessage().contains("set 'classes'"), e.getMessage());
    }

    @Test
    void theSeedDeterminesTheInitialWeights() {
        float[] a = weights(learner(7));
        float[] b = weights(learner(7));
        float[] c = weights(learner(8));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    private static float[] weights(Learner l) {
        for (var pair : l.model().getParameters()) {
            if (pair.getValue().getType() == Parameter.Type.WEIGHT) {
                return pair.getValue().getArray().toFloatArray();
            }
        }
        throw new AssertionError("no weight");
    }

    @Test
    void lossIsTheMeanCrossEntropyOfTheLogits() {
        Learner l = new LinearSoftmaxProvider().create(new LinearSoftmaxConfig(0, 0, 0.5), context(3, scenario()));
        try (NDManager m = root.newSubManager()) {
            LossTerms t = l.loss(batch(m, POINTS, POINT_LABELS, Optional.empty()), step(m, true));
            float[] logits = t.output(LinearSoftmaxLearner.LOGITS).orElseThrow().toFloatArray();
            float[] perSample = t.perSampleLoss().orElseThrow().toFloatArray();
            double mean = 0;
            for (int i = 0; i < POINTS.length; i++) {
                double expected = crossEntropy(logits, i, POINT_LABELS[i]);
                assertEquals(expected, perSample[i], 1e-5);
                mean += expected / POINTS.length;
            }
            assertEquals(List.of(LinearSoftmaxLearner.LOSS_TERM), List.copyOf(t.terms().keySet()));
            assertEquals(mean, t.terms().get(LinearSoftmaxLearner.LOSS_TERM).getFloat(), 1e-5);
        }
    }

    @Test
    void aLabelMixWeighsTheTwoCrossEntropies() {
        Learner l = new LinearSoftmaxProvider().create(new LinearSoftmaxConfig(0, 0, 0.5), context(3, scenario()));
        long[] second = {2, 1, 0, 2, 1, 0};
        float[] w = {1f, 0f, 0.5f, 0.25f, 0.75f, 0.9f};
        try (NDManager m = root.newSubManager()) {
            Optional<LabelMix> mix = Optional.of(new LabelMix(m.create(second), m.create(w)));
            LossTerms t = l.loss(batch(m, POINTS, POINT_LABELS, mix), step(m, true));
            float[] logits = t.output(LinearSoftmaxLearner.LOGITS).orElseThrow().toFloatArray();
            float[] perSample = t.perSampleLoss().orElseThrow().toFloatArray();
            for (int i = 0; i < POINTS.length; i++) {
                double expected = w[i] * crossEntropy(logits, i, POINT_LABELS[i])
                        + (1 - w[i]) * crossEntropy(logits, i, second[i]);
                assertEquals(expected, perSample[i], 1e-5, "sample " + i);
            }
        }
    }

    @Test
    void trainedByAPlainLoopItSeparatesTheClassesAndPredictsByArgMax() {
        Learner l = learner(11);
        l.beforeTask(scenario().orElseThrow().tasks().get(0), null);
        float first = Float.NaN;
        float last = Float.NaN;
        for (int s = 0; s < 60; s++) {
            try (NDManager m = root.newSubManager()) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.zeroGradients();
                    NDArray loss = l.loss(batch(m, POINTS, POINT_LABELS, Optional.empty()), step(m, true))
                            .terms().get(LinearSoftmaxLearner.LOSS_TERM);
                    collector.backward(loss);
                    last = loss.getFloat();
                    if (s == 0) {
                        first = last;
                    }
                }
                for (var pair : l.model().getParameters()) {
                    NDArray value = pair.getValue().getArray();
                    value.subi(value.getGradient().mul(0.5f));
                }
            }
        }
        assertTrue(last < first / 4, "loss fell from " + first + " to " + last);
        try (NDManager m = root.newSubManager()) {
            Predictions p = l.predict(batch(m, POINTS, POINT_LABELS, Optional.empty()), step(m, false));
            assertArrayEquals(POINT_LABELS, p.classes().orElseThrow());
            for (float[] row : p.scores().orElseThrow()) {
                double sum = 0;
                int best = 0;
                for (int k = 0; k < row.length; k++) {
                    sum += row[k];
                    best = row[k] > row[best] ? k : best;
                }
                assertEquals(1.0, sum, 1e-5);
                assertTrue(row[best] > 0.5f);
            }
        }
    }

    @Test
    void noArraysLeakIntoThePluginManagerPerStep() {
        Learner l = learner(5);
        int before = root.getManagedArrays().size();
        for (int s = 0; s < 3; s++) {
            try (NDManager m = root.newSubManager()) {
                l.loss(batch(m, POINTS, POINT_LABELS, Optional.empty()), step(m, true));
                l.predict(batch(m, POINTS, POINT_LABELS, Optional.empty()), step(m, false));
            }
        }
        assertEquals(before, root.getManagedArrays().size());
    }

    @Test
    void badInputsAreClearErrorsBeforeNativeCode() {
        Learner l = learner(5);
        try (NDManager m = root.newSubManager()) {
            NDArray wrong = m.zeros(new Shape(2, 1, 3, 3));
            wrong.setName("image");
            Batch b = new Batch(new NDList(wrong), Optional.of(m.create(new long[] {0, 1})), Optional.empty(),
                    new long[] {0, 1}, 0, Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.loss(b, step(m, true)));
            assertTrue(e.getMessage().startsWith("example-linear: input 'image' has shape (2, 1, 3, 3) (9 values"
                    + " per example) but the classifier was sized for 4"), e.getMessage());

            IllegalArgumentException label = assertThrows(IllegalArgumentException.class, () -> l.loss(
                    batch(m, POINTS, new long[] {0, 1, 2, 3, 0, 1}, Optional.empty()), step(m, true)));
            assertTrue(label.getMessage().contains("range over [0, 3] but the classifier has 3 outputs"),
                    label.getMessage());
        }
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> l.beforeTask(new TaskInfo(1, "task-1", new int[] {3, 4}, 2, 2), null));
        assertTrue(task.getMessage().contains("task 'task-1' has class 3"), task.getMessage());
    }

    @Test
    void theSeededInitializerDrawsTheConfiguredSpread() {
        Learner l = new LinearSoftmaxProvider().create(new LinearSoftmaxConfig(50, 200, 0.1), context(2, Optional.empty()));
        float[] w = weights(l);
        double sum = 0;
        double squares = 0;
        for (float v : w) {
            sum += v;
            squares += v * v;
        }
        double mean = sum / w.length;
        double std = Math.sqrt(squares / w.length - mean * mean);
        // 10,000 draws: the sample standard deviation is within a few percent of 0.1.
        assertEquals(0.1, std, 0.005);
        assertEquals(0.0, mean, 0.005);
    }
}
