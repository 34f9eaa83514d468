package dev.perennial.benchmarks.perf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * Mean softmax cross-entropy {@code −log softmax(z)_y}, with a mixing augmenter's second label:
 * {@code w · CE(z, y) + (1 − w) · CE(z, y₂)} per sample (mixup, Zhang et al. 2018, eq. 1). PyTorch's
 * {@code F.cross_entropy} computes the same (log-softmax, then the picked entry).
 */
final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /**
     * The mean loss.
     *
     * @param logits (B, K)
     * @param labels (B) class ids
     * @param secondLabels the partner labels of a mixed batch
     * @param weights the weight of the first label per sample (B)
     * @return a scalar
     */
    static NDArray mean(NDArray logits, NDArray labels, Optional<NDArray> secondLabels, Optional<NDArray> weights) {
        NDArray logp = logits.logSoftmax(1);
        NDArray first = pick(logp, labels);
        if (secondLabels.isEmpty() || weights.isEmpty()) {
            return first.mean();
        }
        NDArray w = weights.get().toType(first.getDataType(), false);
        return first.mul(w).add(pick(logp, secondLabels.get()).mul(w.neg().add(1))).mean();
    }

    private static NDArray pick(NDArray logp, NDArray labels) {
        NDArray index = labels.toType(DataType.INT64, false).reshape(-1, 1);
        return logp.gather(index, 1).reshape(-1).neg();
    }
}
