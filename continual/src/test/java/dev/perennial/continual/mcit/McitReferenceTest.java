package dev.perennial.continual.mcit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.Owned;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * O-LoRA's forward passes, orthogonality and L2 terms with their gradients, MoELoRA's dense and top-1 mixtures and
 * balance term, and MCITlib's metrics against tools/goldens/mcit_reference.py (Debian torch, float64, written from
 * mcit.md's equations); 1e-4 relative (float32), 1e-9 for the metrics (double).
 */
class McitReferenceTest {
    private static JsonObject golden;
    private static final java.util.Map<Object, Linear> BASES = new java.util.IdentityHashMap<>();

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = McitReferenceTest.class.getResourceAsStream("/goldens/mcit_reference.json")) {
            if (in == null) {
                throw new IllegalStateException("missing /goldens/mcit_reference.json (tools/goldens/mcit_reference.py)");
            }
            golden = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    @Test
    void oLoraForwardPassesMatchTheReference() {
        JsonObject g = golden.getAsJsonObject("olora");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Owned.floats(m, floats(g.getAsJsonArray("x")), new Shape(4, g.get("in").getAsInt()));
            ParameterStore store = new ParameterStore(m, false);
            OrthogonalLoraAdapter official = olora(m, g, true);
            close(g.getAsJsonArray("official"), owner(official).forward(store, x, true), "official training");
            close(g.getAsJsonArray("official"), owner(official).forward(store, x, false), "inference");
            OrthogonalLoraAdapter mcitlib = olora(m, g, false);
            close(g.getAsJsonArray("mcitlibTraining"), owner(mcitlib).forward(store, x, true), "MCITlib training");
            close(g.getAsJsonArray("official"), owner(mcitlib).forward(store, x, false), "MCITlib inference");
        }
    }

    @Test
    void oLoraTermsAndGradientsMatchTheReference() {
        JsonObject g = golden.getAsJsonObject("olora");
        int t = g.get("current").getAsInt();
        try (NDManager m = NDManager.newBaseManager()) {
            OrthogonalLoraAdapter orth = olora(m, g, true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray value = orth.orthogonality(m);
                close(g.get("orthogonality").getAsDouble(), value.getFloat(), "orthogonality");
                c.backward(value);
            }
            close(g.getAsJsonArray("orthogonalityGrad"), orth.loraA(t).weight().getArray().getGradient(), "d orth / dA_t");
            OrthogonalLoraAdapter l2 = olora(m, g, true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray value = l2.currentNorms(m);
                close(g.get("l2").getAsDouble(), value.getFloat(), "l2");
                c.backward(value);
            }
            close(g.getAsJsonArray("l2GradA"), l2.loraA(t).weight().getArray().getGradient(), "d l2 / dA_t");
            close(g.getAsJsonArray("l2GradB"), l2.loraB(t).weight().getArray().getGradient(), "d l2 / dB_t");
        }
    }

    @Test
    void moeLoraMixturesAndBalanceMatchTheReference() {
        JsonObject g = golden.getAsJsonObject("moe");
        int in = g.get("in").getAsInt();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Owned.floats(m, floats(g.getAsJsonArray("x")), new Shape(2, 3, in));
            ParameterStore store = new ParameterStore(m, false);
            MixtureLoraAdapter dense = moe(m, g, 0);
            close(g.getAsJsonArray("dense"), owner(dense).forward(store, x, false), "dense");
            MixtureLoraAdapter top1 = moe(m, g, 1);
            close(g.getAsJsonArray("top1"), owner(top1).forward(store, x, false), "top-1");
            dense.recordRouting(true);
            owner(dense).forward(store, x, true);
            close(g.get("balanceDense").getAsDouble(), dense.loadBalance(m).getFloat(), "balance, top-1 dispatch");
        }
    }

    @Test
    void metricsMatchTheReference() {
        JsonObject g = golden.getAsJsonObject("metrics");
        JsonArray rows = g.getAsJsonArray("matrix");
        double[][] a = new double[rows.size()][];
        for (int k = 0; k < a.length; k++) {
            JsonArray row = rows.get(k).getAsJsonArray();
            a[k] = new double[row.size()];
            for (int i = 0; i < a[k].length; i++) {
                a[k][i] = row.get(i).getAsDouble();
            }
        }
        McitMetrics metrics = McitMetrics.of(a);
        assertEquals(g.get("mft").getAsDouble(), metrics.mft(), 1e-9);
        assertEquals(g.get("mfn").getAsDouble(), metrics.mfn(), 1e-9);
        assertEquals(g.get("maa").getAsDouble(), metrics.maa(), 1e-9);
        assertEquals(g.get("bwt").getAsDouble(), metrics.bwt(), 1e-9);
    }

    /** The layer an adapter is attached to. */
    private static Linear owner(Object adapter) {
        return BASES.get(adapter);
    }

    private static Linear base(NDManager m, JsonObject g) {
        int in = g.get("in").getAsInt();
        int out = g.get("out").getAsInt();
        Linear base = new Linear(in, out, true);
        base.initialize(m, DataType.FLOAT32);
        set(m, base.weight().getArray(), g.getAsJsonArray("w0"));
        set(m, base.bias().orElseThrow().getArray(), g.getAsJsonArray("b0"));
        return base;
    }

    private static OrthogonalLoraAdapter olora(NDManager m, JsonObject g, boolean oldInTraining) {
        Linear base = base(m, g);
        int slices = g.get("slices").getAsInt();
        OrthogonalLoraAdapter adapter = new OrthogonalLoraAdapter(base, slices, g.get("rank").getAsInt(),
                g.get("scaling").getAsFloat(), 0f, oldInTraining);
        adapter.initialize(m, DataType.FLOAT32);
        base.attachAdapter(adapter);
        for (int j = 0; j < slices; j++) {
            set(m, adapter.loraA(j).weight().getArray(), g.getAsJsonArray("a").get(j).getAsJsonArray());
            set(m, adapter.loraB(j).weight().getArray(), g.getAsJsonArray("b").get(j).getAsJsonArray());
        }
        adapter.setCurrent(g.get("current").getAsInt());
        BASES.put(adapter, base);
        return adapter;
    }

    private static MixtureLoraAdapter moe(NDManager m, JsonObject g, int topK) {
        Linear base = base(m, g);
        MixtureLoraAdapter adapter = new MixtureLoraAdapter(base, g.get("rank").getAsInt(), g.get("experts").getAsInt(),
                topK, g.get("scaling").getAsFloat(), 0f);
        adapter.initialize(m, DataType.FLOAT32);
        base.attachAdapter(adapter);
        set(m, adapter.router().weight().getArray(), g.getAsJsonArray("router"));
        set(m, adapter.loraA().weight().getArray(), g.getAsJsonArray("a"));
        set(m, adapter.loraB().weight().getArray(), g.getAsJsonArray("b"));
        BASES.put(adapter, base);
        return adapter;
    }

    private static void set(NDManager m, NDArray target, JsonArray values) {
        try (NDManager scope = m.newSubManager()) {
            Owned.floats(scope, floats(values), target.getShape()).copyTo(target);
        }
    }

    private static float[] floats(JsonArray values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsFloat();
        }
        return out;
    }

    private static void close(JsonArray expected, NDArray actual, String what) {
        float[] got = actual.toFloatArray();
        assertEquals(expected.size(), got.length, what);
        for (int i = 0; i < got.length; i++) {
            close(expected.get(i).getAsDouble(), got[i], what + " [" + i + "]");
        }
    }

    private static void close(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), what);
    }
}
