package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;

/**
 * The frozen face recogniser's L2-normalised embedding f̄ (spec deepfake.md E.2), applied to samples in the
 * diffusion's range. It must be differentiable with respect to its input: the ID-preserving loss and the guided
 * sampler back-propagate through it, never into it.
 */
public interface IdentityEmbedder {

    /**
     * f̄(x).
     *
     * @param samples (B, …) in the diffusion's range (images: [−1, 1])
     * @return (B, d), unit rows
     */
    NDArray embed(NDArray samples);

    /**
     * The embedding width.
     *
     * @return d
     */
    int dimension();
}
