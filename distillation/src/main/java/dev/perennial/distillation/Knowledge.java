package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;

/**
 * What a model passes on in cakd.md §2.3: {@code K_X = {f_X, p_X}}.
 *
 * @param features the pooled final feature {@code f_X}, {@code (B, C_X)}
 * @param logits the logits {@code p_X}, {@code (B, numClasses)}
 */
public record Knowledge(NDArray features, NDArray logits) {}
