package dev.perennial.spi;

import ai.djl.ndarray.NDArray;

/**
 * The label side of a mixing augmentation (mixup, cutmix): each sample is {@code w} of its own label and
 * {@code 1 - w} of {@code secondLabels}. A loss on a mixed batch is
 * {@code w · loss(y) + (1 − w) · loss(y₂)} per sample.
 *
 * @param secondLabels the other example's class ids (B, int64)
 * @param weights the weight of the first label per sample (B, float32, in [0, 1])
 */
public record LabelMix(NDArray secondLabels, NDArray weights) {}
