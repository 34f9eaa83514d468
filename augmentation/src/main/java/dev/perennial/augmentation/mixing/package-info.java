/**
 * Mixing baselines: mixup (Zhang et al., ICLR 2018) and cutmix (Yun et al., ICCV 2019). Both mix each image
 * with another image of the same batch (a random permutation) and record the second label and its weight as a
 * {@link dev.perennial.spi.LabelMix}, which the loop turns into {@code w·loss(y) + (1 − w)·loss(y₂)}.
 */
package dev.perennial.augmentation.mixing;
