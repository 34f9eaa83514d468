package dev.perennial.continual.baseline;

import ai.djl.ndarray.NDArray;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;

/**
 * Per-sample softmax cross-entropy {@code −log softmax(z)_y}, honouring a batch's label mix:
 * {@code w · CE(z, y) + (1 − w) · CE(z, y₂)}.
 */
final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * Per-sample losses.
     *
     * @param logits (B, K) logits, already masked
     * @param batch the batch (labels and mix)
     * @return (B) losses
     */
    static NDArray perSample(NDArray logits, Batch batch) {
        NDArray logp = logits.logSoftmax(1);
        NDArray first = pick(logp, batch.requireLabels());
        if (batch.labelMix().isEmpty()) {
            return first;
        }
        LabelMix mix = batch.labelMix().get();
        NDArray second = pick(logp, mix.secondLabels());
        NDArray w = mix.weights().toType(first.getDataType(), false);
        return first.mul(w).add(second.mul(w.neg().add(1)));
    }

    private static NDArray pick(NDArray logp, NDArray labels) {
        NDArray index = labels.toType(ai.djl.ndarray.types.DataType.INT64, false).reshape(-1, 1);
        return logp.gather(index, 1).reshape(-1).neg();
    }
}
