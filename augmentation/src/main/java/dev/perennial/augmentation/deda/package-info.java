/**
 * De-DA, decoupled data augmentation (Chen et al., "Decoupled Data Augmentation for Improving Image
 * Classification", arXiv:2411.02592; specs/de-da.md). Each image is split into its class-dependent part (CDP,
 * the object: RGB plus an alpha mask A) and its class-independent part (CIP, the background with the object's
 * hole filled). Objects are edited conservatively and pasted, online and at random, onto backgrounds of other
 * classes: x̃ = A'⊙CDP'_rgb + (1 − A')⊙CIP_{y'}, y' ≠ y, label ỹ = y (spec §2.3–2.4).
 *
 * <p>Plugin points: {@link dev.perennial.augmentation.deda.MaskProvider} (where A comes from: the dataset's
 * {@code mask} input, or the built-in spectral-residual saliency) and
 * {@link dev.perennial.augmentation.deda.ObjectEditor} (how a CDP is varied: the built-in photometric and small
 * geometric edit, or e.g. an out-of-process generative editor). Both are found by name, built-ins first, then
 * through {@link java.util.ServiceLoader}.
 *
 * <p>The paper decouples and edits offline; here decoupling is online and incremental: every training batch
 * adds its objects and filled backgrounds to bounded per-class reservoirs, which are plugin state and are
 * checkpointed.
 */
package dev.perennial.augmentation.deda;
