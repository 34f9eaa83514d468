package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import java.util.SplittableRandom;

/**
 * The memory-bank variant of cakd's InfoNCE (cakd.md §4 item 5, "memory-bank variant behind a flag"), with the
 * memory of CRD (Tian et al., "Contrastive Representation Distillation", ICLR 2020; the CRD baseline of
 * {@code Hao840/OFAKD}, cakd.md §3): one stored, L2-normalised embedding per training sample of the other model,
 * and for each sample its own stored row as the positive and {@code K} rows of other samples as negatives.
 * <pre>
 *   idx_b = (id_b, n_b1 … n_bK),   n_bk ~ Uniform({0 … N−1} \ {id_b})
 *   L     = −(1/B) Σ_b log [ exp(⟨z^b, m[id_b]⟩/τ) / Σ_{c ∈ idx_b} exp(⟨z^b, m[c]⟩/τ) ],   τ = exp(logτ)
 *   after the loss:  m[id_b] ← n( μ · m[id_b] + (1 − μ) · v^b )          (CRD ContrastMemory, μ = 0.5)
 * </pre>
 * {@code z} is the anchor (current, with gradient), {@code m} the bank of the model on the other side of the pair
 * (constant), {@code v} that model's current embedding (detached), {@code n} L2 normalisation. The rows start
 * uniform in [−1/√(d/3), 1/√(d/3)], as CRD initialises its memory. CRD samples its K noise indices uniformly over
 * the training set with the positive in column 0; here the positive's own index is excluded from the negatives, so
 * a sample is never its own negative.
 *
 * <p>The loss is computed on a snapshot of the bank: the bank is updated in place in the same step, and the
 * backward pass must see the values the loss used.
 */
public final class InfoNceMemoryBank {
    private InfoNceMemoryBank() {}

    /**
     * CRD's initial half-width of the uniform memory initialisation, 1/√(d/3).
     *
     * @param dim the embedding width d
     * @return the half-width
     */
    public static float initialScale(int dim) {
        return (float) (1.0 / Math.sqrt(dim / 3.0));
    }

    /**
     * Draws the contrast indices of a batch: column 0 is the sample's own id (the positive), columns 1..K are
     * uniform over the other rows of the bank.
     *
     * @param ids the samples' data set ids, each in [0, bankSize)
     * @param negatives K, in [1, bankSize − 1]
     * @param bankSize N
     * @param random the source of randomness (seeded from the step, so a resumed run draws the same indices)
     * @return {@code B × (K + 1)} indices, row-major
     * @throws IllegalArgumentException naming the id or the sizes when they do not fit
     */
    public static long[] contrastIndices(long[] ids, int negatives, long bankSize, SplittableRandom random) {
        if (negatives < 1 || negatives > bankSize - 1) {
            throw new IllegalArgumentException("memory-bank InfoNCE needs 1 <= negatives <= bank size - 1; got "
                    + negatives + " negatives for a bank of " + bankSize);
        }
        int k1 = negatives + 1;
        long[] out = new long[ids.length * k1];
        for (int b = 0; b < ids.length; b++) {
            long id = ids[b];
            requireInBank(id, bankSize);
            out[b * k1] = id;
            for (int k = 1; k < k1; k++) {
                // Uniform over the N − 1 other rows: draw from [0, N − 1) and skip over id.
                long r = random.nextLong(bankSize - 1);
                out[b * k1 + k] = r >= id ? r + 1 : r;
            }
        }
        return out;
    }

    /**
     * The loss.
     *
     * @param anchor {@code (B, d)} L2-normalised embeddings that receive the gradient
     * @param bank {@code (N, d)} the stored embeddings of the other model (a snapshot; treated as constant)
     * @param contrast {@code (B, K + 1)} int64 indices into the bank, the positive in column 0
     * @param logTemperature a scalar or {@code (1)} array holding logτ
     * @return a scalar
     * @throws IllegalArgumentException when the shapes do not fit
     */
    public static NDArray loss(NDArray anchor, NDArray bank, NDArray contrast, NDArray logTemperature) {
        Shape a = anchor.getShape();
        Shape m = bank.getShape();
        Shape c = contrast.getShape();
        if (a.dimension() != 2 || m.dimension() != 2 || a.get(1) != m.get(1) || c.dimension() != 2
                || c.get(0) != a.get(0) || c.get(1) < 2) {
            throw new IllegalArgumentException("memory-bank InfoNCE needs an anchor (B, d), a bank (N, d) and "
                    + "contrast indices (B, K + 1) with K >= 1; got " + a + ", " + m + " and " + c);
        }
        // ⟨z^b, m[c]⟩ for every row of the bank, then the K + 1 columns each sample contrasts with; one (B, N)
        // product costs less memory than gathering B·(K + 1) rows of width d when K is CRD's 16,384.
        NDArray similarities = anchor.matMul(bank.stopGradient().transpose()).gather(contrast, 1);
        NDArray logits = similarities.mul(logTemperature.neg().exp().reshape(1, 1));
        return logits.logSoftmax(1).get(":, 0").mean().neg();
    }

    /**
     * The momentum update of stored rows (CRD ContrastMemory): {@code n(μ · stored + (1 − μ) · current)}.
     *
     * @param stored {@code (B, d)} the rows as stored
     * @param current {@code (B, d)} the model's current embeddings of the same samples
     * @param momentum μ in [0, 1)
     * @return the new rows, L2-normalised
     */
    public static NDArray momentumUpdate(NDArray stored, NDArray current, float momentum) {
        return InfoNce.normalize(stored.mul(momentum).add(current.stopGradient().mul(1f - momentum)));
    }

    /**
     * Writes the momentum-updated rows of a batch into the bank, in place. A sample that occurs twice in the batch
     * keeps one of its updates, as CRD's {@code index_copy_} does.
     *
     * @param bank {@code (N, d)} the bank
     * @param ids the samples' ids, each in [0, N)
     * @param current {@code (B, d)} their current embeddings (detached here)
     * @param momentum μ
     * @param stepManager the step's manager, which owns every temporary (nothing is left in the bank's manager)
     */
    public static void update(NDArray bank, long[] ids, NDArray current, float momentum, NDManager stepManager) {
        long n = bank.getShape().get(0);
        for (long id : ids) {
            requireInBank(id, n);
        }
        NDArray index = Owned.longs(stepManager, ids);
        // Read into the step's manager: nothing of a step may stay in the bank's (run-long) manager.
        NDArray stored = bank.get(stepManager, new NDIndex("{}", index));
        bank.set(new NDIndex("{}", index), momentumUpdate(stored, current, momentum));
    }

    /**
     * A copy of the bank for one step's loss, in the step's manager.
     *
     * @param bank the bank
     * @param manager the step's manager
     * @return the copy
     */
    public static NDArray snapshot(NDArray bank, NDManager manager) {
        // A copy made in the step's manager (not a view, not an array of the bank's manager).
        NDArray copy = manager.zeros(bank.getShape(), bank.getDataType(), bank.getDevice());
        bank.copyTo(copy);
        return copy;
    }

    private static void requireInBank(long id, long bankSize) {
        if (id < 0 || id >= bankSize) {
            throw new IllegalArgumentException("sample id " + id + " is outside the InfoNCE memory bank of "
                    + bankSize + " rows; set cakd config field 'memoryBankSize' above the largest data set id");
        }
    }
}
