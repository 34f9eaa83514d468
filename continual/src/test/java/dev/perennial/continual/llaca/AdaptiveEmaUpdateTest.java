package dev.perennial.continual.llaca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Spec llaca.md §6: L1–L9, L12 on hand-set θ, θ*, g, g_prev. */
class AdaptiveEmaUpdateTest {

    private static AdaptiveEmaConfig config(EmaConvention convention) {
        return new AdaptiveEmaConfig(convention, HessianSurrogate.GRAD_DIFF, 2f, 0.01f, null);
    }

    /** Puts θ* = start and g_{t−1} = gPrev in place: first call (fallback, θ* = start), with g = gPrev. */
    private static void prime(AdaptiveEmaUpdate ema, NDManager m, float[] start, float[] gPrev) {
        AdaptiveEmaUpdate.Step first = ema.update("w", m.create(start), m.create(gPrev));
        assertFalse(first.adaptive(), "the first step always falls back (L5)");
        assertArrayEquals(start, ema.ema("w").orElseThrow().toFloatArray(), "EMA after the first call equals θ");
    }

    @Test
    void goldenOutOfRangeFallsBackToOnePercent() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
            // a = 2, b = 1, c = 1: α = 2·(1+1)/(2·1) = 2 → out of (0, 1) → 0.01 (L6 first case)
            AdaptiveEmaUpdate.Step s = ema.update("w", m.create(new float[] {1, 1}), m.create(new float[] {.5f, .5f}));
            assertEquals(2f, s.coefficient(), 1e-6);
            assertFalse(s.adaptive());
            assertArrayEquals(new float[] {0.01f, 0.01f}, ema.ema("w").orElseThrow().toFloatArray(), 1e-7f);
            assertEquals(new EmaUpdateCounts(0, 2), ema.counts());
        }
    }

    @Test
    void goldenInRangeCodeFormWeightsTheCurrentParameters() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
            // a = 20: α = 2·2/20 = 0.2 → θ* = 0.8·0 + 0.2·10 = 2 (L6 second case)
            AdaptiveEmaUpdate.Step s = ema.update("w", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
            assertEquals(0.2f, s.coefficient(), 1e-6);
            assertTrue(s.adaptive());
            assertArrayEquals(new float[] {2, 2}, ema.ema("w").orElseThrow().toFloatArray(), 1e-5f);
            assertEquals(new EmaUpdateCounts(1, 1), ema.counts());
        }
    }

    @Test
    void goldenPaperFigureFormWeightsTheOldEma() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.PAPER_FIGURE), m)) {
            prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
            // β = 0.2 → θ* = 0.2·0 + 0.8·10 = 8 (L12: the role reversal)
            AdaptiveEmaUpdate.Step s = ema.update("w", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
            assertTrue(s.adaptive());
            assertEquals(0.8f, s.currentWeight(), 1e-6);
            assertArrayEquals(new float[] {8, 8}, ema.ema("w").orElseThrow().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void equalParametersAndEmaGiveInfinityAndFallBackWithoutThrowing() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            prime(ema, m, new float[] {3, -1}, new float[] {0, 0});
            // θ = θ* → a = 0 → α = +Infinity (L3)
            AdaptiveEmaUpdate.Step s = ema.update("w", m.create(new float[] {3, -1}), m.create(new float[] {1, 1}));
            assertEquals(Float.POSITIVE_INFINITY, s.coefficient());
            assertFalse(s.adaptive());
            assertArrayEquals(new float[] {3, -1}, ema.ema("w").orElseThrow().toFloatArray(), 1e-6f);
            // θ = θ* and g = g_prev → a·c = 0 with 1 + b > 0: still Infinity; zero gradients too
            AdaptiveEmaUpdate.Step z = ema.update("w", m.create(new float[] {3, -1}), m.create(new float[] {1, 1}));
            assertFalse(z.adaptive());
        }
    }

    @Test
    void unchangedGradientFallsBack() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            prime(ema, m, new float[] {0, 0}, new float[] {.5f, .5f});
            // g = g_prev → c = 0 (L4)
            AdaptiveEmaUpdate.Step s = ema.update("w", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
            assertFalse(s.adaptive());
            assertArrayEquals(new float[] {0.1f, 0.1f}, ema.ema("w").orElseThrow().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void missingGradientFallsBack() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
            AdaptiveEmaUpdate.Step s = ema.update("w", m.create(new float[] {10, 10}), null);
            assertTrue(Float.isNaN(s.coefficient()));
            assertFalse(s.adaptive());
            assertArrayEquals(new float[] {0.1f, 0.1f}, ema.ema("w").orElseThrow().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void aMissingGradientIsStoredSoTheNextStepFallsBackToo() {
        // Issue 17 item 4. The official update copies this step's gradient, None included, as g_{t−1}: the step
        // after a missing gradient has nothing to difference against and falls back as well.
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
            AdaptiveEmaUpdate.Step missing = ema.update("w", m.create(new float[] {10, 10}), null);
            assertFalse(missing.adaptive());
            assertArrayEquals(new float[] {0.1f, 0.1f}, ema.ema("w").orElseThrow().toFloatArray(), 1e-6f);
            assertFalse(ema.stateTensors().containsKey("grad/w"), "the missing gradient is what is stored");
            // Had g_{t−1} = [0, 0] been kept: a = 2·19.9 = 39.8, b = 1, c = 1 → α = 2·2/39.8 ≈ 0.1005, adaptive.
            AdaptiveEmaUpdate.Step next = ema.update("w", m.create(new float[] {20, 20}), m.create(new float[] {.5f, .5f}));
            assertTrue(Float.isNaN(next.coefficient()), "no g_{t−1}: the coefficient cannot be computed");
            assertFalse(next.adaptive());
            // θ* = 0.99·0.1 + 0.01·20 = 0.299
            assertArrayEquals(new float[] {0.299f, 0.299f}, ema.ema("w").orElseThrow().toFloatArray(), 1e-6f);
            // This step's gradient is stored again: a = 2·19.701 = 39.402, b = 3, c = ‖[1.5,1.5] − [.5,.5]‖₁ = 2,
            // α = 2·(1 + 3)/(39.402·2) = 0.101518…, θ* = (1 − α)·0.299 + α·20
            AdaptiveEmaUpdate.Step after = ema.update("w", m.create(new float[] {20, 20}),
                    m.create(new float[] {1.5f, 1.5f}));
            assertTrue(after.adaptive());
            float alpha = 8f / (39.402f * 2f);
            assertEquals(alpha, after.coefficient(), 1e-6);
            float expected = (1 - alpha) * 0.299f + alpha * 20f;
            assertArrayEquals(new float[] {expected, expected}, ema.ema("w").orElseThrow().toFloatArray(), 1e-5f);
            assertEquals(new EmaUpdateCounts(1, 3), ema.counts());
        }
    }

    @Test
    void identityLimitsOfTheBlend() {
        // L1 via the scale: s chosen so that the coefficient is just inside (0, 1) at both ends
        try (NDManager m = NDManager.newBaseManager()) {
            // CODE, α → 1: s = 0.999999·a·c/(1+b) with a = 20, b = 1, c = 1 → θ* ≈ θ
            try (AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(new AdaptiveEmaConfig(EmaConvention.CODE,
                    HessianSurrogate.GRAD_DIFF, 9.99999f, 0.01f, null), m)) {
                prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
                ema.update("w", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
                assertArrayEquals(new float[] {10, 10}, ema.ema("w").orElseThrow().toFloatArray(), 1e-4f);
            }
            // PAPER, β → 1 leaves θ* unchanged
            try (AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(new AdaptiveEmaConfig(EmaConvention.PAPER_FIGURE,
                    HessianSurrogate.GRAD_DIFF, 9.99999f, 0.01f, null), m)) {
                prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
                ema.update("w", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
                assertArrayEquals(new float[] {0, 0}, ema.ema("w").orElseThrow().toFloatArray(), 1e-4f);
            }
        }
    }

    @Test
    void updateIsConvexAndOneScalarPerTensorIndependentAcrossTensors() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            float[] start = {1, -2, 3, 0.5f};
            ema.update("x", m.create(start), m.create(new float[] {0, 0, 0, 0}));
            ema.update("y", m.create(new float[] {0, 0}), m.create(new float[] {0, 0}));
            float[] theta = {11, 8, -7, 10.5f};
            // a = 40, b = 2, c = 2: α = 2·3/80 = 0.075 for every element of x (L7)
            AdaptiveEmaUpdate.Step sx = ema.update("x", m.create(theta), m.create(new float[] {.5f, .5f, .5f, .5f}));
            AdaptiveEmaUpdate.Step sy = ema.update("y", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
            assertEquals(0.075f, sx.coefficient(), 1e-6);
            assertEquals(0.2f, sy.coefficient(), 1e-6);
            float[] got = ema.ema("x").orElseThrow().toFloatArray();
            for (int i = 0; i < start.length; i++) {
                assertEquals(0.925f * start[i] + 0.075f * theta[i], got[i], 1e-5f);
                assertTrue(got[i] >= Math.min(start[i], theta[i]) - 1e-6 && got[i] <= Math.max(start[i], theta[i]) + 1e-6,
                        "L2 convexity");
            }
        }
    }

    @Test
    void quotientSurrogateDividesByTheParameterStep() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(new AdaptiveEmaConfig(EmaConvention.CODE,
                        HessianSurrogate.GRAD_DIFF_OVER_STEP, 2f, 0.01f, null), m)) {
            prime(ema, m, new float[] {0, 0}, new float[] {0, 0});
            // a = 20, b = 1, c = 1 / ‖θ_t − θ_{t−1}‖₁ = 1/20: k = 2·2/(20/20) = 4 → fallback
            AdaptiveEmaUpdate.Step s = ema.update("w", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
            assertEquals(4f, s.coefficient(), 1e-5);
            assertFalse(s.adaptive());
        }
    }

    @Test
    void frozenParametersAreNeverTrackedAndReplaceIsBitExact() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.adaptive(config(EmaConvention.CODE), m)) {
            Parameter trained = parameter(m, "trained", new float[] {1, 2, 3}, true);
            Parameter frozen = parameter(m, "frozen", new float[] {4, 5}, false);
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("trained", trained);
            params.put("frozen", frozen);
            for (int step = 0; step < 3; step++) {
                trained.getArray().addi(m.create(new float[] {step + 1f, -1f, 0.5f}));
                ema.updateAll(params, p -> false); // no gradient this step: every update falls back
            }
            assertEquals(java.util.Set.of("trained"), ema.trackedNames(), "L8");
            assertEquals(new EmaUpdateCounts(0, 3), ema.counts());
            NDArray theta = ema.ema("trained").orElseThrow();
            assertFalse(theta.contentEquals(trained.getArray()));
            ema.replace(params);
            assertTrue(theta.contentEquals(trained.getArray()), "L9 bit-equal after replace");
            assertArrayEquals(new float[] {4, 5}, frozen.getArray().toFloatArray());
        }
    }

    @Test
    void fixedEmaAlwaysUsesBetaAndRejectsBadBeta() {
        try (NDManager m = NDManager.newBaseManager();
                AdaptiveEmaUpdate ema = AdaptiveEmaUpdate.fixed(0.99f, m)) {
            ema.update("w", m.create(new float[] {0, 0}), m.create(new float[] {0, 0}));
            ema.update("w", m.create(new float[] {10, 10}), m.create(new float[] {.5f, .5f}));
            assertArrayEquals(new float[] {0.1f, 0.1f}, ema.ema("w").orElseThrow().toFloatArray(), 1e-6f);
            assertEquals(new EmaUpdateCounts(0, 2), ema.counts());
            assertThrows(IllegalArgumentException.class, () -> AdaptiveEmaUpdate.fixed(1f, m));
        }
    }

    @Test
    void configRejectsBadValuesNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdaptiveEmaConfig(null, null, 2f, 1.5f, null));
        assertTrue(e.getMessage().contains("fallbackCurrentWeight"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEmaConfig(null, null, 0f, 0.01f, null));
        assertEquals(AdaptiveEmaConfig.defaults(), new AdaptiveEmaConfig(null, null, 2f, 0.01f, null));
    }

    private static Parameter parameter(NDManager m, String name, float[] values, boolean trainable) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setShape(new Shape(values.length));
        p.setInitializer(Initializer.ZEROS);
        p.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32);
        p.getArray().set(values);
        p.freeze(!trainable);
        return p;
    }
}
