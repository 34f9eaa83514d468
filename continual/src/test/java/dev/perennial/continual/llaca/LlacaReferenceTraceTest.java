package dev.perennial.continual.llaca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * LLaCA's EMA over eight optimizer steps against tools/goldens/llaca_ema_reference.py (Debian torch 1.13, written
 * from spec llaca.md §2.3 and §2.6): W always in the loss, the "projector" P only on steps with an image, gradients
 * clipped in place before an SGD step, the EMA reading the clipped gradients, P without a gradient on text-only
 * steps. The Java steps follow the loop's order (collector, backward, global-norm clip in place, update,
 * {@code afterStep}'s {@link AdaptiveEmaUpdate#updateAll}, gradients zeroed in place). The pre-issue-17 behaviour
 * (EMA on the unclipped gradient, P's zeroed gradient read as a gradient) is run too, to show what the trace pins.
 */
class LlacaReferenceTraceTest {

    private record Result(double maxTheta, double maxEma, double maxCoefficient, int branchMismatches) {}

    @Test
    void matchesTheReferenceTraceStepByStep() throws IOException {
        JsonObject golden = golden();
        Result now = run(golden, false);
        Result before = run(golden, true);
        System.out.printf(Locale.ROOT, "LLaCA EMA trace vs torch reference (8 steps, 2 tensors): max |Δθ| | max |Δθ*|"
                + " | max |Δk| | branch mismatches%n  now:    %.3g | %.3g | %.3g | %d%n  before: %.3g | %.3g | %.3g | %d%n",
                now.maxTheta, now.maxEma, now.maxCoefficient, now.branchMismatches,
                before.maxTheta, before.maxEma, before.maxCoefficient, before.branchMismatches);
        assertEquals(0, now.branchMismatches, "every update takes the reference's branch");
        assertTrue(now.maxTheta < 1e-5, "θ: " + now.maxTheta);
        assertTrue(now.maxEma < 1e-5, "θ*: " + now.maxEma);
        assertTrue(now.maxCoefficient < 1e-6, "k: " + now.maxCoefficient);
        assertTrue(before.branchMismatches > 0 && before.maxEma > 1e-3,
                "the trace tells the old behaviour apart: " + before);
    }

    private static Result run(JsonObject golden, boolean preIssue17) {
        float lr = golden.get("learningRate").getAsFloat();
        float clip = golden.get("clipNorm").getAsFloat();
        AdaptiveEmaConfig config = new AdaptiveEmaConfig(EmaConvention.CODE, HessianSurrogate.GRAD_DIFF,
                golden.get("scale").getAsFloat(), golden.get("fallbackCurrentWeight").getAsFloat(), ScaleUnit.TENSOR);
        double maxTheta = 0;
        double maxEma = 0;
        double maxK = 0;
        int mismatches = 0;
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config, m)) {
            Linear w = Linear.builder().setUnits(2).optBias(false).build();
            w.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            Parameter wp = w.getParameters().get("weight");
            wp.getArray().set(flat(golden.getAsJsonArray("w0")));
            Parameter pp = Parameter.builder().setName("projector").setType(Parameter.Type.WEIGHT).build();
            pp.setShape(new Shape(2));
            pp.setInitializer(Initializer.ZEROS);
            pp.initialize(m, DataType.FLOAT32);
            pp.getArray().set(flat(golden.getAsJsonArray("p0")));
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", wp);
            params.put("projector", pp);
            JsonArray steps = golden.getAsJsonArray("steps");
            JsonArray trace = golden.getAsJsonArray("trace");
            for (int t = 0; t < steps.size(); t++) {
                JsonObject step = steps.get(t).getAsJsonObject();
                ReachRecordingStore store = new ReachRecordingStore(m);
                try (NDManager s = m.newSubManager();
                        GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    NDArray x = s.create(flat(step.getAsJsonArray("x")), new Shape(1, 2));
                    NDArray h = w.forward(store, new NDList(x), true).singletonOrThrow().reshape(2);
                    if (!step.get("v").isJsonNull()) {
                        NDArray p = store.getValue(pp, x.getDevice(), true);
                        h = h.add(p.mul(s.create(flat(step.getAsJsonArray("v")))));
                    }
                    NDArray diff = h.sub(s.create(flat(step.getAsJsonArray("y"))));
                    c.backward(diff.mul(diff).sum());
                }
                // the loop's optimizerStep: global L2 norm, clip, SGD
                List<NDArray> grads = new ArrayList<>();
                params.values().forEach(p -> grads.add(p.getArray().getGradient()));
                NDArray[] norms = grads.stream().map(NDArray::norm).toArray(NDArray[]::new);
                double norm = NDArrays.stack(new NDList(norms)).norm().getFloat();
                float scale = norm > clip ? (float) (clip / (norm + 1e-6)) : 1f;
                int i = 0;
                for (Parameter p : params.values()) {
                    NDArray g = grads.get(i++);
                    // before issue 17 the loop clipped a copy; the EMA then read the unclipped gradient
                    NDArray used = preIssue17 ? g.mul(scale) : g.muli(scale);
                    p.getArray().subi(used.mul(lr));
                }
                Map<String, AdaptiveEmaUpdate.Step> used = ema.updateAll(params,
                        preIssue17 ? p -> true : store.read()::contains);
                for (NDArray g : grads) {
                    g.subi(g);
                }
                grads.forEach(NDArray::close);
                JsonObject expected = trace.get(t).getAsJsonObject().getAsJsonObject("tensors");
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    JsonObject ref = expected.getAsJsonObject(e.getKey());
                    maxTheta = Math.max(maxTheta, maxDiff(e.getValue().getArray().toFloatArray(), ref.getAsJsonArray("theta")));
                    maxEma = Math.max(maxEma, maxDiff(ema.ema(e.getKey()).orElseThrow().toFloatArray(),
                            ref.getAsJsonArray("ema")));
                    AdaptiveEmaUpdate.Step got = used.get(e.getKey());
                    if (got.adaptive() != ref.get("adaptive").getAsBoolean()) {
                        mismatches++;
                    }
                    JsonElement k = ref.get("coefficient");
                    if (k.isJsonNull() != Float.isNaN(got.coefficient())) {
                        mismatches++; // one side could compute a coefficient, the other not
                    } else if (!k.isJsonNull()) {
                        maxK = Math.max(maxK, Math.abs(got.coefficient() - k.getAsDouble()));
                    }
                }
            }
        }
        return new Result(maxTheta, maxEma, maxK, mismatches);
    }

    private static double maxDiff(float[] got, JsonArray expected) {
        float[] e = flat(expected);
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(got[i] - e[i]));
        }
        return max;
    }

    private static float[] flat(JsonArray a) {
        List<Float> out = new ArrayList<>();
        for (JsonElement e : a) {
            if (e.isJsonArray()) {
                for (float f : flat(e.getAsJsonArray())) {
                    out.add(f);
                }
            } else {
                out.add(e.getAsFloat());
            }
        }
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static JsonObject golden() throws IOException {
        try (InputStream in = LlacaReferenceTraceTest.class.getResourceAsStream("/goldens/llaca_ema_trace.json")) {
            if (in == null) {
                throw new IllegalStateException("missing /goldens/llaca_ema_trace.json (tools/goldens/llaca_ema_reference.py)");
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }
}
