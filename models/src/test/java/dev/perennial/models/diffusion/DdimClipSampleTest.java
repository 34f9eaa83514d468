package dev.perennial.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import org.junit.jupiter.api.Test;

/**
 * {@link DdimSampler}'s {@code clipSample} (diffusers' {@code clip_sample}, issue #24): one step from t = 90 of a
 * T = 100 schedule, where x̂_0 = (x − √(1−ᾱ)·ε̂)/√ᾱ lies far outside [−1, 1], goes to √ᾱ'·clip(x̂_0) + √(1−ᾱ')·ε̂
 * with it, and to the unclipped update without it (the default).
 */
class DdimClipSampleTest {
    @Test
    void clipSampleClipsThePredictedCleanSampleAndKeepsEpsilon() {
        NoiseSchedule schedule = new NoiseSchedule(100, 0.001, 0.2, NoiseSchedule.BetaSchedule.LINEAR);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] xv = {0.9f, -1.2f, 0.1f, 2.0f};
            float[] ev = {-0.5f, 0.4f, 0.1f, 1.0f};
            NDArray x = Owned.floats(m, xv, new Shape(1, 1, 2, 2));
            NDArray eps = Owned.floats(m, ev, new Shape(1, 1, 2, 2));
            int t = 90;
            int prev = 80;
            double at = schedule.alphaCumprod(t);
            double ap = schedule.alphaCumprod(prev);
            float[] clipped = new DdimSampler(schedule, 10, 0f, true, 0, true).step(eps, t, x, null).toFloatArray();
            float[] plain = new DdimSampler(schedule, 10, 0f, true, 0).step(eps, t, x, null).toFloatArray();
            int outside = 0;
            for (int i = 0; i < xv.length; i++) {
                double x0 = (xv[i] - Math.sqrt(1 - at) * ev[i]) / Math.sqrt(at);
                outside += Math.abs(x0) > 1 ? 1 : 0;
                double c = Math.max(-1, Math.min(1, x0));
                double wantClipped = Math.sqrt(ap) * c + Math.sqrt(1 - ap) * ev[i];
                double wantPlain = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * ev[i];
                assertTrue(Math.abs(clipped[i] - wantClipped) < 1e-4, "clipped " + i + ": " + clipped[i] + " vs "
                        + wantClipped);
                assertTrue(Math.abs(plain[i] - wantPlain) < 1e-3 * Math.max(1, Math.abs(wantPlain)), "plain " + i
                        + ": " + plain[i] + " vs " + wantPlain);
            }
            assertTrue(outside >= 3, "the test's x̂_0 must leave [-1, 1]; " + outside + " values did");
        }
    }
}
