package dev.perennial.deepfake.sta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Properties V1–V9 of specs/deepfake.md §B.4 on a tiny configuration (C = 32, C' = 8, T = 4, 4×4 patches). */
class SpatiotemporalAdapterTest {
    private static final int T = 4;
    private static final int C = 32;
    private static final int GRID = 4;

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(11);
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private SpatiotemporalAdapter adapter(boolean zeroUp) {
        SpatiotemporalAdapter a = new SpatiotemporalAdapter(
                new AdapterConfig(C, 8, T, List.of(3, 5, 7), List.of(3, 5, 7), 2, zeroUp));
        a.initialize(manager, DataType.FLOAT32);
        return a;
    }

    private NDArray tokens(long clips) {
        return manager.randomNormal(new Shape(clips * T, 1 + GRID * GRID, C));
    }

    @Test
    void zeroInitUpIsExactlyTheIdentityAndShapesArePreserved() {
        SpatiotemporalAdapter a = adapter(true);
        NDArray x = tokens(2);
        NDArray y = a.forward(store, x, false);
        assertEquals(x.getShape(), y.getShape());
        assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 0f, "V3: W_up = 0, b_up = 0 => identity");
        NDArray yTrain = a.forward(new ParameterStore(manager, false), x, true);
        assertArrayEquals(x.toFloatArray(), yTrain.toFloatArray(), 0f);
    }

    @Test
    void classTokenBypassesConvolutionsAndAttention() {
        SpatiotemporalAdapter a = adapter(false);
        NDArray x = tokens(2);
        NDArray y = a.forward(store, x, false);
        assertEquals(x.getShape(), y.getShape(), "V1");
        assertFalse(java.util.Arrays.equals(x.toFloatArray(), y.toFloatArray()), "a non-zero up does something");
        NDArray perturbed = x.duplicate();
        perturbed.set(new NDIndex(":, 1:, :"), manager.randomNormal(new Shape(2 * T, GRID * GRID, C)));
        NDArray y2 = a.forward(store, perturbed, false);
        assertArrayEquals(y.get(new NDIndex(":, 0, :")).toFloatArray(), y2.get(new NDIndex(":, 0, :")).toFloatArray(),
                0f, "V2: the CLS output is bit-identical");
    }

    @Test
    void spatialStreamIsFrameEquivariantAndTemporalStreamPixelEquivariant() {
        SpatiotemporalAdapter a = adapter(false);
        NDArray v = manager.randomNormal(new Shape(2, 8, T, GRID, GRID));
        int[] perm = {2, 0, 3, 1};
        NDArray vPerm = permuteAxis(v, 2, perm);
        NDArray s = a.spatialStream(store, v, false);
        assertEquals(v.getShape(), s.getShape(), "V6: 'same' padding keeps (T, H, W)");
        NDArray sPerm = a.spatialStream(store, vPerm, false);
        assertArrayEquals(permuteAxis(s, 2, perm).toFloatArray(), sPerm.toFloatArray(), 1e-5f, "V4");
        // Temporal stream: permuting the pixels of the grid (here, rows) permutes its output.
        NDArray vRows = permuteAxis(v, 3, perm);
        NDArray t = a.temporalStream(store, v, false);
        assertEquals(v.getShape(), t.getShape());
        assertArrayEquals(permuteAxis(t, 3, perm).toFloatArray(), a.temporalStream(store, vRows, false).toFloatArray(),
                1e-5f, "V5");
        // And the temporal stream does mix frames (a control: V4 would fail for it).
        NDArray tPerm = a.temporalStream(store, vPerm, false);
        assertFalse(approxEqual(permuteAxis(t, 2, perm).toFloatArray(), tPerm.toFloatArray(), 1e-4f));
    }

    private NDArray permuteAxis(NDArray x, int axis, int[] perm) {
        NDArray out = null;
        for (int p : perm) {
            StringBuilder idx = new StringBuilder();
            for (int d = 0; d < x.getShape().dimension(); d++) {
                idx.append(d == 0 ? "" : ",").append(d == axis ? p + ":" + (p + 1) : ":");
            }
            NDArray slice = x.get(new NDIndex(idx.toString()));
            out = out == null ? slice : out.concat(slice, axis);
        }
        return out;
    }

    private static boolean approxEqual(float[] a, float[] b, float tol) {
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > tol) {
                return false;
            }
        }
        return true;
    }

    @Test
    void parameterCountMatchesTheFormula() {
        assertEquals(3_329_536L, AdapterConfig.released(1024, 8).parameterCount(), "V7: P(1024, 512)");
        AdapterConfig small = new AdapterConfig(64, 16, 8, List.of(3, 5, 7), List.of(3, 5, 7), 2, true);
        assertEquals(9_872L, small.parameterCount(), "V7: P(64, 16)");
        long counted = 0;
        for (Pair<String, Parameter> p : new SpatiotemporalAdapter(small).getParameters()) {
            if (p.getValue().requiresGradient()) {
                counted += p.getValue().getShape().size();
            }
        }
        assertEquals(9_872L, counted, "the block registers exactly the formula's trainable parameters");
    }

    @Test
    void temporalEmbeddingStartsAsNoOpAndHeadIgnoresFrameOrder() {
        TemporalEmbedding e = new TemporalEmbedding(T, C);
        e.initialize(manager, DataType.FLOAT32);
        NDArray x = tokens(3);
        assertArrayEquals(x.toFloatArray(), e.forward(store, x, false).toFloatArray(), 0f, "V8");
        FrameAveragingHead head = new FrameAveragingHead(C, T, 2, 0.5f);
        head.initialize(manager, DataType.FLOAT32);
        NDArray frames = manager.randomNormal(new Shape(2 * T, C));
        NDArray reordered = frames.reshape(2, T, C);
        reordered = permuteAxis(reordered, 1, new int[] {3, 1, 0, 2}).reshape(2 * T, C);
        assertArrayEquals(head.forward(store, frames, false).toFloatArray(),
                head.forward(store, reordered, false).toFloatArray(), 1e-6f, "V9");
    }

    @Test
    void spatiotemporalVitStartsAsThePlainVitPerFrame() {
        VisionTransformer vit = new VisionTransformer(VitConfig.of(16, 4, C, 2, 2, 0));
        SpatiotemporalVit model = new SpatiotemporalVit(vit,
                new AdapterConfig(C, 8, T, List.of(3, 5), List.of(3), 2, true), 2, 0.5f);
        model.initialize(manager, DataType.FLOAT32);
        NDArray clips = manager.randomUniform(0f, 1f, new Shape(2, T, 3, 16, 16));
        NDArray frames = model.frameFeatures(store, clips, false);
        NDArray plain = vit.forwardAll(store, clips.reshape(2 * T, 3, 16, 16), false).pooled();
        assertArrayEquals(plain.toFloatArray(), frames.toFloatArray(), 0f, "zero-init StA = the image model");
        assertEquals(new Shape(2, 2), model.forward(store, clips, false).getShape());
        assertEquals(2, model.adapters().size());
        model.applyFreezing(SpatiotemporalVit.FreezingPolicy.ADAPTER_ONLY);
        assertFalse(vit.clsToken().requiresGradient());
        assertTrue(model.adapters().get(0).up().weight().requiresGradient());
        model.applyFreezing(SpatiotemporalVit.FreezingPolicy.FULL_FINETUNE);
        assertTrue(vit.clsToken().requiresGradient());
        assertThrows(IllegalArgumentException.class,
                () -> model.frameFeatures(store, manager.zeros(new Shape(1, T + 1, 3, 16, 16)), false));
        assertThrows(IllegalArgumentException.class, () -> new AdapterConfig(C, 8, T, List.of(4), List.of(3), 2, true));
        assertThrows(IllegalArgumentException.class, () -> new AdapterConfig(C, 8, T, List.of(3), List.of(3), 3, true));
    }

    @Test
    void gradientsReachTheZeroInitialisedUpProjection() {
        SpatiotemporalAdapter a = adapter(true);
        a.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(p.getValue().requiresGradient()));
        NDArray x = tokens(1);
        try (ai.djl.training.GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray y = a.forward(new ParameterStore(manager, false), x, true);
            gc.backward(y.square().sum());
        }
        NDArray g = a.up().weight().getArray().getGradient();
        assertTrue(g.abs().sum().getFloat() > 0, "the adapter can learn away from the identity");
    }
}
