package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;

/**
 * The one-hot mask of each sample's target class, {@code 1[c = y]} in the OFA loss (cakd.md §2.5). For a mixed
 * batch the target is the argmax of the soft label: the sample's own label when its weight is at least ½,
 * else the second label (property K12).
 */
public final class TargetMask {
    private TargetMask() {}

    /**
     * The hard targets of a batch.
     *
     * @param batch the batch (labels required)
     * @param classes the number of classes K
     * @param plugin the plugin's name, for messages
     * @return class ids {@code (B)}, int64
     * @throws IllegalArgumentException when a label lies outside {@code [0, K)}
     */
    public static NDArray targets(Batch batch, int classes, String plugin) {
        NDArray labels = batch.requireLabels();
        if (batch.labelMix().isPresent()) {
            LabelMix mix = batch.labelMix().get();
            NDArray own = mix.weights().gte(0.5f);
            labels = own.toType(DataType.INT64, false).mul(labels)
                    .add(own.logicalNot().toType(DataType.INT64, false).mul(mix.secondLabels()));
        }
        long[] values = labels.toType(DataType.INT64, false).toLongArray();
        for (long v : values) {
            if (v < 0 || v >= classes) {
                throw new IllegalArgumentException(plugin + ": a batch label is " + v + " but the logits have "
                        + classes + " classes (0.." + (classes - 1) + ")");
            }
        }
        return labels.toType(DataType.INT64, false);
    }

    /**
     * The one-hot mask.
     *
     * @param batch the batch
     * @param classes K
     * @param plugin the plugin's name, for messages
     * @return {@code (B, K)} float32
     */
    public static NDArray of(Batch batch, int classes, String plugin) {
        return targets(batch, classes, plugin).oneHot(classes).toType(DataType.FLOAT32, false);
    }
}
