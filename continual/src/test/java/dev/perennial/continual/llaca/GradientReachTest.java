package dev.perennial.continual.llaca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 5: a tensor that takes no part in a step's loss has no gradient in that step (torch ≥ 2's
 * {@code zero_grad} sets it to None), so its EMA update falls back, even though DJL's gradient array, zeroed in
 * place by the loop, reads as zeros. Real autograd through {@link ReachRecordingStore}.
 */
class GradientReachTest {

    /** Two 2 → 1 linears without bias, weights (1, 2): "w" (always in the loss) and "projector" (image steps only). */
    private static final class TwoTensors {
        final Linear w = Linear.builder().setUnits(1).optBias(false).build();
        final Linear projector = Linear.builder().setUnits(1).optBias(false).build();
        final Map<String, Parameter> params = new LinkedHashMap<>();

        TwoTensors(NDManager m) {
            w.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            projector.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            params.put("w", w.getParameters().get("weight"));
            params.put("projector", projector.getParameters().get("weight"));
            set("w", 0, 0);
            set("projector", 0, 0);
        }

        void set(String name, float a, float b) {
            params.get(name).getArray().set(new float[] {a, b});
        }

        /**
         * One step as the loop runs it for the learner: loss = Σ w·x (+ Σ projector·v on image steps), backward,
         * the EMA with "received a gradient" = "read by the store", then gradients zeroed in place.
         */
        void step(NDManager m, AdaptiveEmaUpdate ema, float[] x, float[] v) {
            ReachRecordingStore store = new ReachRecordingStore(m);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray loss = w.forward(store, new NDList(m.create(x, new Shape(1, 2))), true).singletonOrThrow()
                        .sum();
                if (v != null) {
                    loss = loss.add(projector.forward(store, new NDList(m.create(v, new Shape(1, 2))), true)
                            .singletonOrThrow().sum());
                }
                c.backward(loss);
            }
            ema.updateAll(params, store.read()::contains);
            for (Parameter p : params.values()) {
                NDArray g = p.getArray().getGradient();
                g.subi(g);
            }
        }

        float[] gradient(String name) {
            return params.get(name).getArray().getGradient().toFloatArray();
        }
    }

    @Test
    void aTensorLeftOutOfTheLossFallsBackInThatStepAndTheNext() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(AdaptiveEmaConfig.defaults(), m)) {
            TwoTensors net = new TwoTensors(m);
            // Step 1: both in the loss, g = x = [1, 1] and g = v = [1, 1]; first calls fall back, θ* = θ = [0, 0].
            net.step(m, ema, new float[] {1, 1}, new float[] {1, 1});
            assertEquals(new EmaUpdateCounts(0, 2), ema.counts());
            net.set("w", 10, 10); // what an optimizer step would do
            net.set("projector", 10, 10);
            // Step 2, text only: the projector is not in the loss. Its DJL gradient reads [0, 0], from which
            // a = 20, b = 0, c = ‖0 − [1, 1]‖₁ = 2 would give α = 2·1/40 = 0.05, adaptive (θ* = 0.5). No gradient:
            // fallback, θ* = 0.99·0 + 0.01·10 = 0.1. w: a = 20, b = 1, c = ‖[.5, .5] − [1, 1]‖₁ = 1, α = 0.2, θ* = 2.
            net.step(m, ema, new float[] {.5f, .5f}, null);
            assertArrayEquals(new float[] {0.1f, 0.1f}, ema.ema("projector").orElseThrow().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {2f, 2f}, ema.ema("w").orElseThrow().toFloatArray(), 1e-5f);
            assertEquals(new EmaUpdateCounts(1, 3), ema.counts());
            // Step 3, with the image again: the projector has g = [.5, .5] but no g_{t−1} (step 2 stored none), so it
            // falls back once more: θ* = 0.99·0.1 + 0.01·10 = 0.199.
            net.step(m, ema, new float[] {.5f, .5f}, new float[] {.5f, .5f});
            assertArrayEquals(new float[] {0.199f, 0.199f}, ema.ema("projector").orElseThrow().toFloatArray(),
                    1e-6f);
            assertTrue(ema.stateTensors().containsKey("grad/projector"), "step 3's gradient is stored for step 4");
        }
    }

    @Test
    void theStoreRecordsExactlyTheParametersAPassReads() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoTensors net = new TwoTensors(m);
            ReachRecordingStore store = new ReachRecordingStore(m);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray loss = net.w.forward(store, new NDList(m.create(new float[] {3, 4}, new Shape(1, 2))), true)
                        .singletonOrThrow().sum();
                c.backward(loss);
            }
            assertTrue(store.read().contains(net.params.get("w")));
            assertFalse(store.read().contains(net.params.get("projector")));
            assertArrayEquals(new float[] {3, 4}, net.gradient("w"));
            // The value cannot tell: the projector's gradient reads as zeros whether or not it was in the graph.
            assertArrayEquals(new float[] {0, 0}, net.gradient("projector"));
        }
    }
}
