/**
 * Baseline protectors to compare SlerpFace with: {@code none} (raw templates, cosine) and
 * {@code random-projection} (BioHashing-style per-user orthonormal projection, binarised).
 */
package dev.perennial.slerpface.baseline;
