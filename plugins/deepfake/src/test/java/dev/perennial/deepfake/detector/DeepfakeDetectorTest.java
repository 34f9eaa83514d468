package dev.perennial.deepfake.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.deepfake.TestStep;
import dev.perennial.deepfake.synthetic.SyntheticSwaps;
import dev.perennial.deepfake.synthetic.SyntheticSwapsConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code deepfake-detector} learner on {@code synthetic-swaps} batches, and both plugins' bad input. */
class DeepfakeDetectorTest {
    private static final int SIZE = 16;

    private record Context(NDManager manager, ScenarioInfo info) implements PluginContext {
        @Override
        public String pluginName() {
            return "deepfake-detector";
        }

        @Override
        public Device device() {
            return manager.getDevice();
        }

        @Override
        public long seed() {
            return 1;
        }

        @Override
        public Path workDirectory() {
            return Path.of(".");
        }

        @Override
        public Optional<ScenarioInfo> scenario() {
            return Optional.of(info);
        }
    }

    @Test
    void returnsItsStageMapAsFeatureMapWithLogitsAndPerSampleLoss() {
        SyntheticSwaps data = new SyntheticSwaps(new SyntheticSwapsConfig(SIZE, 3, 2, 2, 0.5, 0.5, 4));
        DatasetSplit train = data.train();
        ScenarioInfo info = new ScenarioInfo("test", List.of("real", "fake"),
                List.of(new TaskInfo(0, "t0", new int[] {0, 1}, train.size(), 0)),
                Map.of("image", new long[] {3, SIZE, SIZE}));
        try (NDManager m = NDManager.newBaseManager()) {
            Learner learner = new DeepfakeDetectorProvider().create(new DeepfakeDetectorConfig(List.of(1, 1, 1, 1), 4,
                    true, "layer3", "feature_map"), new Context(m, info));
            learner.beforeTask(info.tasks().get(0), null);
            Batch batch = batch(m, train, 4);
            LossTerms terms = learner.loss(batch, new TestStep(m, 0, 0.1));
            NDArray map = terms.output("feature_map").orElseThrow();
            // layer3 of a cifar-stem ResNet of base width 4: 16 channels at a quarter of the side.
            assertEquals(new Shape(4, 16, SIZE / 4, SIZE / 4), map.getShape());
            assertEquals(new Shape(4, 2), terms.output("logits").orElseThrow().getShape());
            assertEquals(new Shape(4, 32), terms.output("features").orElseThrow().getShape());
            NDArray perSample = terms.perSampleLoss().orElseThrow();
            assertEquals(perSample.mean().getFloat(), terms.terms().get("ce").getFloat(), 1e-6f);
            // Cross-entropy by hand from the logits.
            float[] logits = terms.output("logits").orElseThrow().toFloatArray();
            long[] labels = batch.labels().orElseThrow().toLongArray();
            float[] ce = perSample.toFloatArray();
            for (int i = 0; i < 4; i++) {
                double lse = Math.log(Math.exp(logits[2 * i]) + Math.exp(logits[2 * i + 1]));
                assertEquals(lse - logits[2 * i + (int) labels[i]], ce[i], 1e-5);
            }
            Predictions p = learner.predict(batch, new TestStep(m, 0, 0.1));
            assertEquals(4, p.size());
            for (float[] row : p.scores().orElseThrow()) {
                assertEquals(1.0, row[0] + row[1], 1e-5);
            }
        }
    }

    @Test
    void swapsHaveImageSourceAndTargetInMinusOneToOneAndDisjointSplits() {
        SyntheticSwaps data = new SyntheticSwaps(new SyntheticSwapsConfig(SIZE, 4, 3, 3, 0.5, 0.5, 9));
        DatasetSplit train = data.train();
        assertEquals(12, train.size());
        assertEquals(9, data.test().size());
        assertEquals(List.of("real", "fake"), train.classNames());
        int fakes = 0;
        for (int i = 0; i < train.size(); i++) {
            Example e = train.get(i);
            assertEquals(java.util.Set.of("image", "source", "target"), e.features().keySet());
            assertEquals(train.labels()[i], e.label().orElseThrow());
            float[] image = ((Feature.Floats) e.features().get("image")).values();
            float[] source = ((Feature.Floats) e.features().get("source")).values();
            float[] target = ((Feature.Floats) e.features().get("target")).values();
            for (float v : image) {
                assertTrue(v >= -1 && v <= 1, "pixel " + v);
            }
            if (train.labels()[i] == 0) {
                assertArrayEquals(image, source);
                assertArrayEquals(image, target);
            } else {
                fakes++;
                assertTrue(!java.util.Arrays.equals(source, target));
            }
        }
        assertTrue(fakes > 0 && fakes < train.size(), "fakes: " + fakes);
        assertTrue(!java.util.Arrays.equals(((Feature.Floats) train.get(0).features().get("target")).values(),
                ((Feature.Floats) data.test().get(0).features().get("target")).values()));
    }

    @Test
    void badConfigurationsNameTheFieldAndWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DeepfakeDetectorConfig(List.of(1, 1, 1, 1), 4, true, "layer5", "feature_map"));
        assertTrue(e.getMessage().contains("'featureStage'") && e.getMessage().contains("layer4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DeepfakeDetectorConfig(List.of(1, 1, 1), 4, true, "layer4", "feature_map"));
        assertTrue(e.getMessage().contains("'layers'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticSwapsConfig(8, 4, 2, 2, 0.5, 0.5, 1));
        assertTrue(e.getMessage().startsWith("synthetic-swaps:") && e.getMessage().contains("size >= 16"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticSwapsConfig(16, 4, 2, 2, 1.5, 0.5, 1));
        assertTrue(e.getMessage().contains("fakeFraction"), e.getMessage());
    }

    private static Batch batch(NDManager m, DatasetSplit split, int n) {
        NDList inputs = new NDList();
        for (String name : List.of("image", "source", "target")) {
            float[] all = new float[n * 3 * SIZE * SIZE];
            for (int i = 0; i < n; i++) {
                float[] v = ((Feature.Floats) split.get(i).features().get(name)).values();
                System.arraycopy(v, 0, all, i * v.length, v.length);
            }
            NDArray a = m.create(all, new Shape(n, 3, SIZE, SIZE));
            a.setName(name);
            inputs.add(a);
        }
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = split.labels()[i];
        }
        return new Batch(inputs, Optional.of(m.create(labels)), Optional.empty(), new long[] {0, 1, 2, 3}, 0,
                Map.of());
    }
}
