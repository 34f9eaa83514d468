package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.perennial.models.diffusion.DdimSampler;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.nn.Scalars;
import java.util.Arrays;

/**
 * ID³'s ID-preserving sampler (spec deepfake.md E.2, a reconstruction, UNVERIFIED): at every step the predicted noise
 * is moved along the gradient of the identity likelihood,
 * <pre>
 * ε̃ = ε̂(x_t) − λ·√(1−ᾱ_t)·∇_{x_t} ⟨y, f̄(x̂₀(x_t))⟩,     x̂₀(x_t) = (x_t − √(1−ᾱ_t)·ε̂(x_t)) / √ᾱ_t
 * </pre>
 * and then a DDIM step ({@link DdimSampler#step}, η = 0 deterministic, η = 1 DDPM-like) is taken with ε̃. ε̂ is
 * ε_θ(x_t, t, y, a), or with classifier-free guidance scale s ≠ 1 {@code ε_u + s·(ε_c − ε_u)} where ε_u has the
 * zero (null) condition, both branches in one batch as {@link DdimSampler#sample} does. The gradient flows through
 * ε̂ and the frozen recogniser (full chain rule); with {@code clipDenoised} x̂₀ is clipped to [−1, 1] before f̄ and
 * in every DDIM step (diffusers' {@code clip_sample}: unclipped, a pixel-space sample of a short schedule grows far
 * outside [−1, 1], issue #24).
 * With λ = 0 no gradient is computed and the result is bit-for-bit {@link DdimSampler#sample}'s (property I3).
 *
 * <p>The gradient needs autograd outside training: this sampler opens a {@link GradientCollector} per step, so it
 * must not run inside the training loop's step (the engine allows one collector at a time).
 *
 * @param steps DDIM steps n (1 ≤ n ≤ T)
 * @param eta η ≥ 0
 * @param identityGuidance λ ≥ 0
 * @param classifierFreeScale s (1: the conditional prediction alone)
 * @param clipDenoised whether x̂₀ is clipped to [−1, 1] before f̄ and in the DDIM steps
 */
public record IdGuidedSampler(int steps, float eta, float identityGuidance, float classifierFreeScale,
        boolean clipDenoised) {

    /** Validates. */
    public IdGuidedSampler {
        if (steps < 1 || !(eta >= 0) || !(identityGuidance >= 0) || !Float.isFinite(classifierFreeScale)) {
            throw new IllegalArgumentException("id3 sampler: need steps >= 1, eta >= 0, identityGuidance >= 0 and a "
                    + "finite classifierFreeScale; got " + steps + ", " + eta + ", " + identityGuidance + ", "
                    + classifierFreeScale);
        }
    }

    /**
     * The DDIM schedule this sampler steps with (ᾱ = 1 past the first timestep, no offset, x̂₀ clipped when
     * {@code clipDenoised}).
     *
     * @param schedule the denoiser's schedule
     * @return the DDIM sampler
     */
    public DdimSampler ddim(NoiseSchedule schedule) {
        return new DdimSampler(schedule, steps, eta, true, 0, clipDenoised);
    }

    /**
     * Samples from x_T. Every step's intermediates are freed; the result is in x_T's manager.
     *
     * @param denoiser ε_θ
     * @param embedder the frozen f̄ (unused when λ = 0; may then be null)
     * @param latents x_T
     * @param identity y, (B, d) unit rows
     * @param attributes a, (B, A), or null without attributes
     * @return x_0
     */
    public NDArray sample(Denoiser denoiser, IdentityEmbedder embedder, NDArray latents, NDArray identity,
            NDArray attributes) {
        DdimSampler ddim = ddim(denoiser.schedule());
        NDArray x = latents;
        for (int t : ddim.timesteps()) {
            NDArray next;
            try (NDScope scope = new NDScope()) {
                NDArray eps;
                if (identityGuidance == 0) {
                    eps = epsilon(denoiser, x, t, identity, attributes);
                } else {
                    Guided g = guided(denoiser, embedder, x, t, identity, attributes);
                    double at = denoiser.schedule().alphaCumprod(t);
                    eps = g.epsilon().sub(Scalars.mul(g.gradient(), (float) (identityGuidance * Math.sqrt(1 - at))));
                }
                NDArray noise = eta > 0 ? x.getManager().randomNormal(x.getShape()) : null;
                next = ddim.step(eps, t, x, noise);
                NDScope.unregister(next);
            }
            if (x != latents) {
                x.close();
            }
            x = next;
        }
        return x;
    }

    /**
     * ε̂ and the guidance gradient ∇_{x_t}⟨y, f̄(x̂₀(x_t))⟩ at one step (each sample's gradient is its own: the
     * objective is a sum over the batch).
     *
     * @param epsilon ε̂ at x_t (no gradient attached)
     * @param gradient the gradient, x_t's shape
     */
    public record Guided(NDArray epsilon, NDArray gradient) {}

    /**
     * Computes ε̂ and the guidance gradient at x_t (opens a gradient collector).
     *
     * @param denoiser ε_θ
     * @param embedder f̄
     * @param x x_t
     * @param t the timestep
     * @param identity y
     * @param attributes a or null
     * @return both, in x's manager
     */
    public Guided guided(Denoiser denoiser, IdentityEmbedder embedder, NDArray x, int t, NDArray identity,
            NDArray attributes) {
        if (embedder == null) {
            throw new IllegalArgumentException("id3 sampler: identity guidance needs the recogniser");
        }
        try (GradientCollector gc = x.getManager().getEngine().newGradientCollector()) {
            NDArray leaf = x.duplicate();
            leaf.setRequiresGradient(true);
            NDArray eps = epsilon(denoiser, leaf, t, identity, attributes);
            int[] ts = new int[(int) x.getShape().get(0)];
            Arrays.fill(ts, t);
            NDArray x0 = IdPreservingLoss.reconstruct(leaf, eps, denoiser.schedule(), ts);
            if (clipDenoised) {
                x0 = x0.clip(-1f, 1f);
            }
            NDArray objective = identity.mul(embedder.embed(x0)).sum();
            gc.backward(objective);
            return new Guided(eps.stopGradient(), leaf.getGradient().duplicate());
        }
    }

    /** ε̂, with classifier-free guidance when s ≠ 1 (unconditional branch first, as DdimSampler batches it). */
    private NDArray epsilon(Denoiser denoiser, NDArray x, int t, NDArray identity, NDArray attributes) {
        int b = (int) x.getShape().get(0);
        if (classifierFreeScale == 1f) {
            return denoiser.epsilon(x, repeat(t, b), identity, attributes, false);
        }
        NDArray both = denoiser.epsilon(x.concat(x, 0), repeat(t, 2 * b), identity.zerosLike().concat(identity, 0),
                attributes == null ? null : attributes.zerosLike().concat(attributes, 0), false);
        NDList halves = both.split(2, 0);
        return DdimSampler.guide(halves.get(0), halves.get(1), classifierFreeScale);
    }

    private static int[] repeat(int t, int n) {
        int[] out = new int[n];
        Arrays.fill(out, t);
        return out;
    }
}
