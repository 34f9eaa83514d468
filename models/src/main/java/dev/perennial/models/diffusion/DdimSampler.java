package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import dev.perennial.models.nn.Scalars;

/**
 * Deterministic-to-stochastic DDIM sampling (Song et al. 2021, eq. 12) over a {@link NoiseSchedule}, with
 * classifier-free guidance (Ho and Salimans 2021).
 *
 * <p>One step from t to the previous timestep t' (or, past the first, to ᾱ = 1 with {@code setAlphaToOne}, else
 * ᾱ_0, as diffusers' {@code set_alpha_to_one}):
 * <pre>
 * x̂_0 = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t
 * σ   = η·√((1−ᾱ_t')/(1−ᾱ_t) · (1 − ᾱ_t/ᾱ_t'))
 * x_t' = √ᾱ_t'·x̂_0 + √(1−ᾱ_t'−σ²)·ε̂ + σ·z
 * </pre>
 * The inference timesteps are "leading": {@code i·⌊T/n⌋ + steps_offset} for i = n−1 … 0 (Stable Diffusion:
 * offset 1).
 *
 * <p>With {@code clipSample} (diffusers' {@code clip_sample}, true by default in its DDIMScheduler, false in Stable
 * Diffusion's latent-space configuration) x̂_0 is clipped to [−1, 1] before the update and ε̂ is kept. A pixel-space
 * model needs it: at the first step of a short schedule √ᾱ_t is small (0.012 at t = 90 of the ID³ denoiser's
 * T = 100, β 0.001 → 0.2), ε̂'s error reaches x̂_0 multiplied by 1/√ᾱ_t and, unclipped, grows over the steps
 * (issue #24, BENCHMARKS "ID³ at a budget where the denoisers learn").
 */
public final class DdimSampler {
    private final NoiseSchedule schedule;
    private final int steps;
    private final float eta;
    private final double finalAlphaCumprod;
    private final int stepsOffset;
    private final boolean clipSample;

    /**
     * Creates the sampler.
     *
     * @param schedule the training schedule
     * @param steps inference steps n (1 ≤ n ≤ T)
     * @param eta η ≥ 0 (0: deterministic DDIM; 1: DDPM-like variance)
     * @param setAlphaToOne whether the step past the first timestep goes to ᾱ = 1 (else ᾱ_0; SD: false)
     * @param stepsOffset added to every timestep (SD: 1)
     */
    public DdimSampler(NoiseSchedule schedule, int steps, float eta, boolean setAlphaToOne, int stepsOffset) {
        this(schedule, steps, eta, setAlphaToOne, stepsOffset, false);
    }

    /**
     * Creates the sampler, optionally clipping x̂_0 to [−1, 1] at every step.
     *
     * @param schedule the training schedule
     * @param steps inference steps n (1 ≤ n ≤ T)
     * @param eta η ≥ 0 (0: deterministic DDIM; 1: DDPM-like variance)
     * @param setAlphaToOne whether the step past the first timestep goes to ᾱ = 1 (else ᾱ_0; SD: false)
     * @param stepsOffset added to every timestep (SD: 1)
     * @param clipSample whether x̂_0 is clipped to [−1, 1] (diffusers' {@code clip_sample}; SD: false)
     */
    public DdimSampler(NoiseSchedule schedule, int steps, float eta, boolean setAlphaToOne, int stepsOffset,
            boolean clipSample) {
        if (steps < 1 || steps > schedule.trainSteps() || eta < 0 || stepsOffset < 0
                || (steps - 1) * (schedule.trainSteps() / steps) + stepsOffset >= schedule.trainSteps()) {
            throw new IllegalArgumentException("DdimSampler: need 1 <= steps <= " + schedule.trainSteps()
                    + ", eta >= 0 and timesteps (with offset " + stepsOffset + ") inside the schedule; got steps "
                    + steps + ", eta " + eta);
        }
        this.schedule = schedule;
        this.steps = steps;
        this.eta = eta;
        this.finalAlphaCumprod = setAlphaToOne ? 1.0 : schedule.alphaCumprod(0);
        this.stepsOffset = stepsOffset;
        this.clipSample = clipSample;
    }

    /** @return the inference timesteps, first (noisiest) first */
    public int[] timesteps() {
        int ratio = schedule.trainSteps() / steps;
        int[] t = new int[steps];
        for (int i = 0; i < steps; i++) {
            t[i] = (steps - 1 - i) * ratio + stepsOffset;
        }
        return t;
    }

    /**
     * The timestep after {@code t} (its predecessor in diffusion time), or a negative number past the first.
     *
     * @param t a timestep
     * @return t − ⌊T/n⌋
     */
    public int previous(int t) {
        return t - schedule.trainSteps() / steps;
    }

    /**
     * One DDIM step.
     *
     * @param epsilon the (guided) predicted noise ε̂
     * @param t the current timestep
     * @param x x_t
     * @param noise z ~ N(0, I) of x's shape, used when η > 0 (may be null when η = 0)
     * @return x_{t'}, in {@code x}'s manager
     */
    public NDArray step(NDArray epsilon, int t, NDArray x, NDArray noise) {
        int prev = previous(t);
        double at = schedule.alphaCumprod(t);
        double ap = prev >= 0 ? schedule.alphaCumprod(prev) : finalAlphaCumprod;
        double variance = (1 - ap) / (1 - at) * (1 - at / ap);
        double std = eta * Math.sqrt(variance);
        NDArray x0 = Scalars.div(x.sub(Scalars.mul(epsilon, (float) Math.sqrt(1 - at))), (float) Math.sqrt(at));
        if (clipSample) {
            x0 = x0.clip(-1f, 1f);
        }
        NDArray out = Scalars.mul(x0, (float) Math.sqrt(ap))
                .add(Scalars.mul(epsilon, (float) Math.sqrt(1 - ap - std * std)));
        if (std > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("DdimSampler: eta > 0 needs a noise sample");
            }
            out = out.add(Scalars.mul(noise, (float) std));
        }
        return out;
    }

    /**
     * Classifier-free guidance: {@code ε_u + s·(ε_c − ε_u)}.
     *
     * @param unconditional ε̂ with the empty/null conditioning
     * @param conditional ε̂ with the conditioning
     * @param scale s (1: the conditional prediction)
     * @return the guided prediction
     */
    public static NDArray guide(NDArray unconditional, NDArray conditional, float scale) {
        return unconditional.add(Scalars.mul(conditional.sub(unconditional), scale));
    }

    /**
     * Samples from noise with the UNet, with classifier-free guidance when an unconditional context is given (both
     * branches in one batch of 2B). Every step's intermediates are freed; only the result stays, in the manager of
     * {@code latents}.
     *
     * @param store the parameter store
     * @param unet the denoiser
     * @param latents x_T, (B, C, H, W)
     * @param context the conditioning (B, M, D)
     * @param unconditional the null conditioning (B, M, D), or null for no guidance
     * @param guidanceScale s
     * @return x_0
     */
    public NDArray sample(ParameterStore store, UNet2DConditionModel unet, NDArray latents, NDArray context,
            NDArray unconditional, float guidanceScale) {
        NDArray x = latents;
        for (int t : timesteps()) {
            NDArray next;
            try (NDScope scope = new NDScope()) {
                NDArray eps;
                if (unconditional == null) {
                    eps = unet.forward(store, x, NoiseSchedule.timestepArray(x, repeat(t, x)), context, false);
                } else {
                    NDArray both = unet.forward(store, x.concat(x, 0),
                            NoiseSchedule.timestepArray(x, repeat(t, x, 2)), unconditional.concat(context, 0), false);
                    NDList halves = both.split(2, 0);
                    eps = guide(halves.get(0), halves.get(1), guidanceScale);
                }
                NDArray noise = eta > 0 ? x.getManager().randomNormal(x.getShape()) : null;
                next = step(eps, t, x, noise);
                NDScope.unregister(next);
            }
            if (x != latents) {
                x.close();
            }
            x = next;
        }
        return x;
    }

    private static int[] repeat(int t, NDArray x) {
        return repeat(t, x, 1);
    }

    private static int[] repeat(int t, NDArray x, int times) {
        int[] out = new int[(int) x.getShape().get(0) * times];
        java.util.Arrays.fill(out, t);
        return out;
    }
}
