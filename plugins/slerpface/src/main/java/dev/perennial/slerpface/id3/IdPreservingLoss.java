package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.util.Arrays;

/**
 * ID³'s ID-preserving loss, spec deepfake.md E.2 (a reconstruction: the paper's exact form and weights are
 * UNVERIFIED; every weight here is a switch and its default is ours):
 * <pre>
 * x_t     = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε
 * x̂₀(x_t) = (x_t − √(1−ᾱ_t)·ε_θ(x_t, t, y, a)) / √ᾱ_t                       one-step reconstruction
 * L_ID3   = ‖ε − ε_θ‖² + λ₁·‖x₀ − x̂₀‖² − λ₂·κ·⟨y, f̄(x̂₀)⟩ + C
 * </pre>
 * C has no gradient; we take C = λ₂·κ, so that the identity term λ₂·κ·(1 − ⟨y, f̄(x̂₀)⟩) is ≥ 0 and is 0 exactly
 * when every reconstruction has the identity y.
 * with f̄ the frozen recogniser's unit embedding and y = f̄(x₀). Squared norms are means over elements (the usual
 * "simple" DDPM loss; a sum would only rescale λ₁). Our choices, each a switch: with {@code clipDenoised} x̂₀ is
 * clipped to [−1, 1] before the reconstruction and identity terms, as DDPM samplers clip it (at T = 100 and the
 * noisiest steps √((1−ᾱ)/ᾱ) is ~10², and the unclipped reconstruction error swamps the other terms); the identity
 * term is averaged over the samples whose condition was kept, since a sample whose y was dropped for
 * classifier-free guidance has no identity to preserve.
 *
 * @param reconstructionWeight λ₁ ≥ 0
 * @param identityWeight λ₂ ≥ 0
 * @param kappa κ > 0, the von Mises–Fisher concentration
 * @param clipDenoised whether x̂₀ is clipped to [−1, 1] for the reconstruction and identity terms
 */
public record IdPreservingLoss(double reconstructionWeight, double identityWeight, double kappa,
        boolean clipDenoised) {

    /** Validates the weights. */
    public IdPreservingLoss {
        if (!(reconstructionWeight >= 0) || !(identityWeight >= 0) || !(kappa > 0)) {
            throw new IllegalArgumentException("id3 loss: reconstructionWeight and identityWeight must be >= 0 and "
                    + "kappa > 0; were " + reconstructionWeight + ", " + identityWeight + ", " + kappa);
        }
    }

    /**
     * The three weighted terms of one batch (each a scalar; their sum is L_ID3 − C) and, for reports, the raw
     * inner products.
     *
     * @param denoising ‖ε − ε_θ‖²
     * @param reconstruction λ₁·‖x₀ − x̂₀‖²
     * @param identity λ₂·κ·(1 − ⟨y, f̄(x̂₀)⟩), averaged over the conditioned samples
     * @param innerProducts ⟨y, f̄(x̂₀)⟩ per sample, (B)
     */
    public record Terms(NDArray denoising, NDArray reconstruction, NDArray identity, NDArray innerProducts) {
        /** @return the sum of the three terms */
        public NDArray total() {
            return denoising.add(reconstruction).add(identity);
        }
    }

    /**
     * The one-step reconstruction x̂₀ = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t, one timestep per sample.
     *
     * @param xt x_t, (B, …)
     * @param epsilon ε̂, same shape
     * @param schedule the schedule
     * @param timesteps one per sample
     * @return x̂₀
     */
    public static NDArray reconstruct(NDArray xt, NDArray epsilon, NoiseSchedule schedule, int[] timesteps) {
        float[] inverseRoot = new float[timesteps.length];
        float[] ratio = new float[timesteps.length];
        for (int i = 0; i < timesteps.length; i++) {
            double a = schedule.alphaCumprod(timesteps[i]);
            inverseRoot[i] = (float) (1 / Math.sqrt(a));
            ratio[i] = (float) Math.sqrt((1 - a) / a);
        }
        Shape coef = perSample(xt.getShape(), timesteps.length);
        return xt.mul(Owned.floats(xt.getManager(), inverseRoot, coef))
                .sub(epsilon.mul(Owned.floats(xt.getManager(), ratio, coef)));
    }

    /**
     * The vMF log-likelihood's data term κ·⟨y, e⟩ per sample: in [−κ, κ] for unit vectors, largest when e = y.
     *
     * @param identity y, (B, d) unit rows
     * @param embedding e = f̄(x̂₀), (B, d) unit rows
     * @param kappa κ
     * @return (B)
     */
    public static NDArray innerProductTerm(NDArray identity, NDArray embedding, float kappa) {
        return Scalars.mul(identity.mul(embedding).sum(new int[] {1}), kappa);
    }

    /**
     * Computes the loss of one batch.
     *
     * @param denoiser ε_θ
     * @param embedder the frozen f̄
     * @param x0 clean samples in the diffusion's range, (B, …)
     * @param identity y = f̄(x₀), (B, d) (the identity term's target)
     * @param condition the identity the denoiser sees: y, with the rows dropped for guidance zeroed
     * @param attributes the attributes the denoiser sees (dropped rows zeroed), or null without attributes
     * @param kept 1 where the sample's condition was kept, 0 where dropped, (B) float
     * @param timesteps one per sample
     * @param noise ε, x₀'s shape
     * @return the terms
     */
    public Terms compute(Denoiser denoiser, IdentityEmbedder embedder, NDArray x0, NDArray identity,
            NDArray condition, NDArray attributes, NDArray kept, int[] timesteps, NDArray noise) {
        NoiseSchedule schedule = denoiser.schedule();
        NDArray xt = schedule.addNoise(x0, noise, timesteps);
        NDArray epsilon = denoiser.epsilon(xt, timesteps, condition, attributes, true);
        NDArray denoising = NoiseSchedule.epsilonLoss(epsilon, noise);
        NDArray x0Hat = reconstruct(xt, epsilon, schedule, timesteps);
        if (clipDenoised) {
            x0Hat = x0Hat.clip(-1f, 1f);
        }
        NDArray reconstruction = Scalars.mul(x0.sub(x0Hat).square().mean(), (float) reconstructionWeight);
        NDArray inner = identity.mul(embedder.embed(x0Hat)).sum(new int[] {1});
        NDArray conditioned = Scalars.maximum(kept.sum(), 1f);
        NDArray identityTerm = Scalars.mul(Scalars.add(inner.neg(), 1f).mul(kept).sum().div(conditioned),
                (float) (identityWeight * kappa));
        return new Terms(denoising, reconstruction, identityTerm, inner);
    }

    private static Shape perSample(Shape s, int batch) {
        if (s.get(0) != batch) {
            throw new IllegalArgumentException("id3 loss: " + batch + " timesteps for a batch of " + s.get(0));
        }
        long[] dims = new long[s.dimension()];
        Arrays.fill(dims, 1L);
        dims[0] = batch;
        return new Shape(dims);
    }
}
