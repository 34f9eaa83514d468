/**
 * ID³ (identity-conditioned diffusion for synthetic face recognition, spec deepfake.md Part E; no official code, the
 * loss form is a reconstruction): the identity- and attribute-conditioned denoiser, the ID-preserving loss and
 * sampler, identity anchors, the {@code id3} learner and the {@code id3-synthetic} and
 * {@code generated-faces-attributed} data sets. It lives beside the faces and the recogniser it conditions on.
 */
package dev.perennial.slerpface.id3;
