package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;

/**
 * Cross-entropy of logits against a batch's labels; on a mixed batch, {@code w·CE(y) + (1 − w)·CE(y₂)} per
 * sample as {@link LabelMix} defines.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * The batch mean.
     *
     * @param logits {@code (B, K)}
     * @param batch the batch (labels required)
     * @param plugin the plugin's name, for messages
     * @return a scalar
     */
    public static NDArray mean(NDArray logits, Batch batch, String plugin) {
        int classes = (int) logits.getShape().get(1);
        NDArray logProb = logits.logSoftmax(1);
        NDArray labels = batch.requireLabels();
        checkRange(labels, classes, plugin);
        NDArray own = pick(logProb, labels, classes);
        if (batch.labelMix().isEmpty()) {
            return own.neg().mean();
        }
        LabelMix mix = batch.labelMix().get();
        checkRange(mix.secondLabels(), classes, plugin);
        NDArray w = mix.weights().toType(DataType.FLOAT32, false);
        NDArray second = pick(logProb, mix.secondLabels(), classes);
        return own.mul(w).add(second.mul(w.neg().add(1f))).neg().mean();
    }

    private static NDArray pick(NDArray logProb, NDArray labels, int classes) {
        return logProb.mul(labels.oneHot(classes).toType(DataType.FLOAT32, false)).sum(new int[] {1});
    }

    private static void checkRange(NDArray labels, int classes, String plugin) {
        for (long v : labels.toType(DataType.INT64, false).toLongArray()) {
            if (v < 0 || v >= classes) {
                throw new IllegalArgumentException(plugin + ": a batch label is " + v + " but the logits have "
                        + classes + " classes (0.." + (classes - 1) + ")");
            }
        }
    }
}
