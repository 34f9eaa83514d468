package dev.perennial.slerpface.id3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.diffusion.DdimSampler;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.nn.Owned;
import org.junit.jupiter.api.Test;

/**
 * The ID³ sampler's DDIM steps clip x̂₀ to [−1, 1] when {@code clipDenoised} (issue #24: unclipped, Id3Benchmark's
 * pixel-space samples left [−1, 1] almost everywhere and the synthetic sets were noise), and do not without it.
 */
class IdGuidedSamplerClipTest {
    @Test
    void ddimStepsClipTheDenoisedEstimateWhenAsked() {
        NoiseSchedule schedule = new NoiseSchedule(100, 0.001, 0.2, NoiseSchedule.BetaSchedule.LINEAR);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Owned.floats(m, new float[] {0.9f, -1.2f, 0.1f, 2.0f}, new Shape(1, 1, 2, 2));
            NDArray eps = Owned.floats(m, new float[] {-0.5f, 0.4f, 0.1f, 1.0f}, new Shape(1, 1, 2, 2));
            DdimSampler clipping = new IdGuidedSampler(10, 0f, 0f, 1f, true).ddim(schedule);
            DdimSampler plain = new IdGuidedSampler(10, 0f, 0f, 1f, false).ddim(schedule);
            int t = clipping.timesteps()[0];
            double ap = schedule.alphaCumprod(clipping.previous(t));
            // |x̂₀| ≤ 1 bounds a step's output by √ᾱ' + √(1−ᾱ')·|ε̂|; unclipped, x̂₀ is ~85 times ε̂'s error here
            float[] c = clipping.step(eps, t, x, null).toFloatArray();
            float[] p = plain.step(eps, t, x, null).toFloatArray();
            float[] e = eps.toFloatArray();
            boolean plainOutside = false;
            for (int i = 0; i < c.length; i++) {
                double bound = Math.sqrt(ap) + Math.sqrt(1 - ap) * Math.abs(e[i]) + 1e-5;
                assertTrue(Math.abs(c[i]) <= bound, "clipped step " + i + ": " + c[i] + " > " + bound);
                plainOutside |= Math.abs(p[i]) > bound;
            }
            assertTrue(plainOutside, "without clipDenoised the step must not be bounded by the clipped estimate");
        }
    }
}
