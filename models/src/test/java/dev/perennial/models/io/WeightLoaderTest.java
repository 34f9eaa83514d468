package dev.perennial.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightLoaderTest {
    private NDManager manager;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private TwoLayerBlock block(int hidden) {
        TwoLayerBlock b = new TwoLayerBlock(hidden, 2);
        b.setInitializer(new NormalInitializer(1f), Parameter.Type.WEIGHT);
        b.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        return b;
    }

    private static NDArray forward(TwoLayerBlock b, NDArray x) {
        return b.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    @Test
    void savedBlockLoadsStrictlyIntoAFreshOneWithIdenticalOutput() throws IOException {
        TwoLayerBlock source = block(4);
        Path file = dir.resolve("mlp.safetensors");
        Checkpoints.save(source, file);
        TwoLayerBlock target = block(4);
        try (TensorSource ckpt = Checkpoints.open(file)) {
            LoadReport report = WeightLoader.strict().load(ckpt, target);
            assertTrue(report.isComplete(), report.describe());
            assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), report.loaded());
        }
        NDArray x = manager.randomNormal(new Shape(5, 3));
        assertEquals(0f, forward(source, x).sub(forward(target, x)).abs().max().getFloat());
    }

    @Test
    void strictLoadListsEveryProblemByNameAndCopiesNothing() throws IOException {
        Map<String, NDArray> ckpt = new LinkedHashMap<>();
        ckpt.put("fc1.weight", manager.ones(new Shape(4, 3)));
        ckpt.put("fc1.bias", manager.ones(new Shape(5)));          // mis-shaped
        ckpt.put("fc3.weight", manager.ones(new Shape(2, 4)));     // unexpected
        TwoLayerBlock target = block(4);
        float[] before = target.getChildren().get(0).getValue().getParameters().get(0).getValue().getArray()
                .toFloatArray();
        WeightLoadException e = assertThrows(WeightLoadException.class,
                () -> WeightLoader.strict().load(TensorSource.of(ckpt), target));
        LoadReport r = e.report();
        // A mis-shaped parameter is reported once, as mis-shaped, not also as missing (as torch does).
        assertEquals(List.of("fc2.weight", "fc2.bias"), r.missing());
        assertEquals(List.of("fc3.weight"), r.unexpected());
        assertEquals(1, r.mismatched().size());
        assertEquals("fc1.bias", r.mismatched().get(0).parameterName());
        assertEquals(new Shape(4), r.mismatched().get(0).expected());
        assertEquals(new Shape(5), r.mismatched().get(0).found());
        for (String name : List.of("fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight")) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        float[] after = ParameterNames.of(target).get("fc1.weight").getArray().toFloatArray();
        assertArrayEquals(before, after, "a failed strict load copies nothing");
    }

    @Test
    void lenientLoadCopiesWhatMatchesAndReportsTheRest() throws IOException {
        Map<String, NDArray> ckpt = new LinkedHashMap<>();
        ckpt.put("fc1.weight", manager.ones(new Shape(4, 3)));
        ckpt.put("extra", manager.ones(new Shape(1)));
        TwoLayerBlock target = block(4);
        LoadReport r = WeightLoader.lenient().load(TensorSource.of(ckpt), target);
        assertFalse(r.isComplete());
        assertEquals(List.of("fc1.weight"), r.loaded());
        assertEquals(List.of("extra"), r.unexpected());
        assertEquals(List.of("fc1.bias", "fc2.weight", "fc2.bias"), r.missing());
        assertEquals(12f, ParameterNames.of(target).get("fc1.weight").getArray().sum().getFloat());
    }

    @Test
    void nameMapSelectsAPrefixAndRenames() throws IOException {
        TwoLayerBlock source = block(4);
        Map<String, NDArray> ckpt = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : ParameterNames.of(source).entrySet()) {
            ckpt.put("vision_model." + e.getKey().replace("fc2", "head"), e.getValue().getArray());
        }
        ckpt.put("text_model.embed.weight", manager.ones(new Shape(3)));
        TwoLayerBlock target = block(4);
        WeightLoader loader = WeightLoader.strict()
                .withNameMap(NameMap.selectPrefix("vision_model.").andThen(NameMap.rename("^head\\.", "fc2.")));
        LoadReport r = loader.load(TensorSource.of(ckpt), target);
        assertEquals(4, r.loaded().size());
        assertEquals(List.of("text_model.embed.weight"), r.skipped());
        NDArray x = manager.randomNormal(new Shape(2, 3));
        assertEquals(0f, forward(source, x).sub(forward(target, x)).abs().max().getFloat());
    }

    @Test
    void numBatchesTrackedIsSkippedByDefault() throws IOException {
        Map<String, NDArray> ckpt = new LinkedHashMap<>(Map.of(
                "fc1.weight", manager.ones(new Shape(4, 3)), "fc1.bias", manager.ones(new Shape(4)),
                "fc2.weight", manager.ones(new Shape(2, 4)), "fc2.bias", manager.ones(new Shape(2))));
        ckpt.put("bn1.num_batches_tracked", manager.create(3L));
        LoadReport r = WeightLoader.strict().load(TensorSource.of(ckpt), block(4));
        assertEquals(List.of("bn1.num_batches_tracked"), r.skipped());
        assertTrue(r.isComplete());
    }

    @Test
    void allowingMissingToleratesANewHead() throws IOException {
        Map<String, NDArray> ckpt = Map.of("fc1.weight", manager.ones(new Shape(4, 3)),
                "fc1.bias", manager.ones(new Shape(4)));
        LoadReport r = WeightLoader.strict().allowingMissing("^fc2\\.").load(TensorSource.of(ckpt), block(4));
        assertEquals(List.of("fc2.weight", "fc2.bias"), r.missing());
        assertThrows(WeightLoadException.class, () -> WeightLoader.strict().load(TensorSource.of(ckpt), block(4)));
    }

    @Test
    void halfAndBf16CheckpointsLoadIntoAFloat32Block() throws IOException {
        Path file = dir.resolve("mixed.safetensors");
        SafetensorsWriter.create()
                .add("fc1.weight", manager.full(new Shape(4, 3), 0.5f).toType(DataType.FLOAT16, false))
                .addAsBf16("fc1.bias", manager.full(new Shape(4), 1.5f))
                .add("fc2.weight", manager.full(new Shape(2, 4), -2f))
                .add("fc2.bias", manager.zeros(new Shape(2)))
                .write(file);
        TwoLayerBlock target = block(4);
        try (TensorSource ckpt = Checkpoints.open(file)) {
            WeightLoader.strict().load(ckpt, target);
        }
        Map<String, Parameter> p = ParameterNames.of(target);
        assertEquals(DataType.FLOAT32, p.get("fc1.weight").getArray().getDataType());
        assertEquals(6f, p.get("fc1.weight").getArray().sum().getFloat());
        assertEquals(6f, p.get("fc1.bias").getArray().sum().getFloat());
    }

    @Test
    void anUninitializedBlockIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WeightLoader.strict().load(TensorSource.of(Map.of()), new TwoLayerBlock(4, 2)));
        assertTrue(e.getMessage().contains("fc1.weight") && e.getMessage().contains("initialize"), e.getMessage());
    }

    @Test
    void twoTensorsMappedToOneParameterIsAClearError() {
        Map<String, NDArray> ckpt = new LinkedHashMap<>();
        ckpt.put("a.fc1.weight", manager.ones(new Shape(4, 3)));
        ckpt.put("b.fc1.weight", manager.ones(new Shape(4, 3)));
        WeightLoader loader = WeightLoader.lenient().withNameMap(NameMap.rename("^[ab]\\.", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader.load(TensorSource.of(ckpt), block(4)));
        assertTrue(e.getMessage().contains("a.fc1.weight") && e.getMessage().contains("b.fc1.weight"));
    }
}
