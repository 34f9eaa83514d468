package dev.perennial.slerpface.id3;

import dev.perennial.spi.ConfigDoc;

/**
 * The configuration of the {@code id3-synthetic} data set. Defaults are ours (the paper publishes none).
 *
 * @param denoiser the denoiser file the {@code id3} learner exported
 * @param recogniser the recogniser checkpoint for identity guidance; empty: the one the denoiser file names
 * @param identities N
 * @param imagesPerIdentity M (training split)
 * @param testImages further images per identity (test split)
 * @param anchorMaxCosine the largest cosine between two identity anchors
 * @param identityGuidance λ of the ID-preserving sampler (0: plain DDIM)
 * @param classifierFreeScale s of classifier-free guidance (1: none)
 * @param samplingSteps DDIM steps
 * @param eta DDIM η
 * @param batchSize images generated at once (memory only)
 * @param seed the seed of anchors, attributes and noise
 */
public record Id3SyntheticConfig(
        @ConfigDoc("The denoiser file an id3 run exported (id3-denoiser.safetensors). Required.") String denoiser,
        @ConfigDoc("Recogniser checkpoint for identity guidance; empty: the one named in the denoiser file.")
        String recogniser,
        @ConfigDoc("Identities N. Range 2..100000. Default 50.") int identities,
        @ConfigDoc("Training images per identity M. Range 1..10000. Default 10.") int imagesPerIdentity,
        @ConfigDoc("Test images per identity. Range 1..10000. Default 2.") int testImages,
        @ConfigDoc("Largest pairwise cosine of the identity anchors. Range (-1, 1]. Default 0.3.") double anchorMaxCosine,
        @ConfigDoc("Identity guidance lambda of the ID-preserving sampler; 0 = plain DDIM. Default 1.")
        double identityGuidance,
        @ConfigDoc("Classifier-free guidance scale s; 1 = none. Default 1.5.") double classifierFreeScale,
        @ConfigDoc("DDIM steps. Default 20.") int samplingSteps,
        @ConfigDoc("DDIM eta (0 deterministic, 1 DDPM-like). Default 0.") double eta,
        @ConfigDoc("Images generated at once. Default 64.") int batchSize,
        @ConfigDoc("Seed of anchors, attributes and noise. Default 7.") long seed) {

    /** Validates the ranges (the anchors' feasibility is checked when they are drawn). */
    public Id3SyntheticConfig {
        if (identities < 2 || identities > 100_000 || imagesPerIdentity < 1 || imagesPerIdentity > 10_000
                || testImages < 1 || testImages > 10_000) {
            throw new IllegalArgumentException("id3-synthetic: identities must be in 2..100000, imagesPerIdentity and "
                    + "testImages in 1..10000; were " + identities + ", " + imagesPerIdentity + ", " + testImages);
        }
        if ((long) identities * (imagesPerIdentity + testImages) > 10_000_000L) {
            throw new IllegalArgumentException("id3-synthetic: identities x (imagesPerIdentity + testImages) = "
                    + (long) identities * (imagesPerIdentity + testImages) + " exceeds 10000000 images");
        }
        if (!(anchorMaxCosine > -1 && anchorMaxCosine <= 1)) {
            throw new IllegalArgumentException("id3-synthetic: anchorMaxCosine must be in (-1, 1], was "
                    + anchorMaxCosine);
        }
        if (!(identityGuidance >= 0) || !Double.isFinite(classifierFreeScale) || samplingSteps < 1 || !(eta >= 0)
                || batchSize < 1) {
            throw new IllegalArgumentException("id3-synthetic: need identityGuidance >= 0, a finite "
                    + "classifierFreeScale, samplingSteps >= 1, eta >= 0, batchSize >= 1");
        }
    }

    /** @return the defaults (no denoiser: a run must name one) */
    public static Id3SyntheticConfig defaults() {
        return new Id3SyntheticConfig("", "", 50, 10, 2, 0.3, 1.0, 1.5, 20, 0.0, 64, 7);
    }

    /** @return the sampler these values define (x̂₀ clipped before the recogniser) */
    public IdGuidedSampler sampler() {
        return new IdGuidedSampler(samplingSteps, (float) eta, (float) identityGuidance, (float) classifierFreeScale,
                true);
    }
}
