package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;

/**
 * Softmax cross-entropy over the classes seen so far (safe.md §2.4: "all CE terms are over all N_t seen
 * classes"): the logits of unseen classes are pushed to −1e9 so their softmax is exactly 0.
 */
public final class MaskedCrossEntropy {
    /** Added to the logits of classes outside the mask: zero softmax, still finite. */
    public static final float MASKED = -1e9f;

    private MaskedCrossEntropy() {}

    /**
     * Logits with the classes outside {@code keep} masked.
     *
     * @param logits (B, C)
     * @param keep which of the C classes take part
     * @return masked logits
     */
    public static NDArray mask(NDArray logits, boolean[] keep) {
        if (logits.getShape().get(logits.getShape().dimension() - 1) != keep.length) {
            throw new IllegalArgumentException("logits " + logits.getShape() + " do not have " + keep.length
                    + " classes");
        }
        float[] m = new float[keep.length];
        for (int i = 0; i < keep.length; i++) {
            m[i] = keep[i] ? 0f : MASKED;
        }
        return logits.add(Owned.floats(logits.getManager(), m));
    }

    /**
     * Batch-mean cross-entropy of masked logits against integer labels.
     *
     * @param maskedLogits (B, C)
     * @param labels (B) class ids
     * @return a scalar
     */
    public static NDArray mean(NDArray maskedLogits, NDArray labels) {
        return perSample(maskedLogits, labels).mean();
    }

    /**
     * Per-sample cross-entropy {@code −log softmax(z)_y}.
     *
     * @param maskedLogits (B, C)
     * @param labels (B) class ids
     * @return (B)
     */
    public static NDArray perSample(NDArray maskedLogits, NDArray labels) {
        NDArray index = labels.toType(DataType.INT64, false).reshape(-1, 1);
        return maskedLogits.logSoftmax(1).gather(index, 1).reshape(-1).neg();
    }

    /**
     * Per-sample cross-entropy of a training batch, honouring an augmenter's label mix
     * ({@code w · CE(z, y) + (1 − w) · CE(z, y₂)}).
     *
     * @param maskedLogits (B, C)
     * @param batch the batch
     * @return (B)
     */
    public static NDArray perSample(NDArray maskedLogits, Batch batch) {
        NDArray first = perSample(maskedLogits, batch.requireLabels());
        if (batch.labelMix().isEmpty()) {
            return first;
        }
        LabelMix mix = batch.labelMix().get();
        NDArray second = perSample(maskedLogits, mix.secondLabels());
        NDArray w = mix.weights().toType(DataType.FLOAT32, false);
        return first.mul(w).add(second.mul(w.neg().add(1f)));
    }
}
