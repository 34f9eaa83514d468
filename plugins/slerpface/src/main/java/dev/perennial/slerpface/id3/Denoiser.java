package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;
import dev.perennial.models.diffusion.NoiseSchedule;

/**
 * A conditional noise predictor ε_θ(x_t, t, y, a) over a DDPM schedule: what {@link IdPreservingLoss} trains and
 * {@link IdGuidedSampler} samples with. {@link IdentityConditionedDenoiser} is the real one; tests use toys.
 */
public interface Denoiser {

    /**
     * Predicts the noise.
     *
     * @param xt x_t, (B, C, H, W) (or any (B, …) shape a toy accepts)
     * @param timesteps one timestep per sample
     * @param identity y, (B, d) unit rows; zero rows are the null condition of classifier-free guidance
     * @param attributes a, (B, A); zero rows are the null condition (ignored when A = 0)
     * @param training whether this is a training pass
     * @return ε̂ of x_t's shape
     */
    NDArray epsilon(NDArray xt, int[] timesteps, NDArray identity, NDArray attributes, boolean training);

    /**
     * The forward process the denoiser was trained for.
     *
     * @return the schedule
     */
    NoiseSchedule schedule();
}
