package dev.perennial.continual.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.util.Arrays;

/**
 * Query–key matching of the prompt pools (prompts.md §2.1–2.2, §3.2): cosine similarity, top-N selection,
 * batch-wise selection and the surrogate (pull) loss.
 */
public final class KeyMatching {
    /** torch's {@code F.normalize} floor on the norm. */
    private static final float NORM_EPS = 1e-12f;

    private KeyMatching() {}

    /**
     * Rows scaled to unit L2 norm along {@code axis} ({@code x / max(‖x‖, 1e-12)}).
     *
     * @param x any array
     * @param axis the axis to normalise
     * @return the normalised array
     */
    public static NDArray normalize(NDArray x, int axis) {
        return x.div(Scalars.maximum(x.norm(new int[] {axis}, true), NORM_EPS));
    }

    /**
     * Cosine similarities between queries and keys.
     *
     * @param queries (B, D)
     * @param keys (M, D)
     * @return (B, M)
     */
    public static NDArray cosine(NDArray queries, NDArray keys) {
        return normalize(queries, 1).matMul(normalize(keys, 1).transpose());
    }

    /**
     * The N keys of highest similarity per row, in decreasing similarity; ties go to the lower index (prompts.md
     * P2).
     *
     * @param similarity (B, M)
     * @param n N, 1 ≤ N ≤ M
     * @return B rows of N indices
     */
    public static int[][] topN(NDArray similarity, int n) {
        Shape s = similarity.getShape();
        int rows = (int) s.get(0);
        int cols = (int) s.get(1);
        if (n < 1 || n > cols) {
            throw new IllegalArgumentException("top-N must be in 1.." + cols + " (the pool size), was " + n);
        }
        float[] flat = similarity.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            final int row = r;
            out[r] = java.util.stream.IntStream.range(0, cols).boxed()
                    .sorted((a, b) -> {
                        int c = Float.compare(flat[row * cols + b], flat[row * cols + a]);
                        return c != 0 ? c : Integer.compare(a, b);
                    })
                    .limit(n).mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /**
     * Batch-wise selection (L2P/DualPrompt {@code batchwise_prompt}): the N indices chosen most often over the batch,
     * by decreasing count (ties: lower index), used for every sample of the batch. When fewer than N distinct
     * indices were chosen, the most frequent ones are followed by the lowest unchosen indices so that every sample
     * still gets N prompts.
     *
     * @param perSample B rows of N indices
     * @param n N
     * @param poolSize M
     * @return B identical rows of N indices
     */
    public static int[][] batchwise(int[][] perSample, int n, int poolSize) {
        int[] counts = new int[poolSize];
        for (int[] row : perSample) {
            for (int i : row) {
                counts[i]++;
            }
        }
        int[] major = java.util.stream.IntStream.range(0, poolSize).boxed()
                .sorted((a, b) -> {
                    int c = Integer.compare(counts[b], counts[a]);
                    return c != 0 ? c : Integer.compare(a, b);
                })
                .limit(n).mapToInt(Integer::intValue).toArray();
        int[][] out = new int[perSample.length][];
        for (int r = 0; r < out.length; r++) {
            out[r] = major.clone();
        }
        return out;
    }

    /**
     * A (B·N, M) one-hot selection matrix, in the manager of {@code like}: multiplying it with a (M, ·) pool gathers
     * the selected rows differentiably.
     *
     * @param selected B rows of N indices
     * @param poolSize M
     * @param like an array of the step
     * @return (B·N, M)
     */
    public static NDArray oneHot(int[][] selected, int poolSize, NDArray like) {
        int n = selected.length == 0 ? 0 : selected[0].length;
        float[] data = new float[selected.length * n * poolSize];
        for (int r = 0; r < selected.length; r++) {
            for (int j = 0; j < n; j++) {
                data[(r * n + j) * poolSize + selected[r][j]] = 1f;
            }
        }
        return Owned.floats(like.getManager(), data, new Shape((long) selected.length * n, poolSize));
    }

    /**
     * The surrogate key loss of L2P / DualPrompt as in the official code: {@code −λ · (1/B) Σ_b Σ_{i ∈ sel(b)}
     * cos(q_b, k_i)} (prompts.md §2.2, JAX {@code reduce_sim}).
     *
     * @param similarity (B, M) cosine similarities
     * @param selected B rows of selected indices
     * @param lambda λ
     * @return a scalar
     */
    public static NDArray pullLoss(NDArray similarity, int[][] selected, float lambda) {
        int poolSize = (int) similarity.getShape().get(1);
        float[] mask = new float[selected.length * poolSize];
        for (int r = 0; r < selected.length; r++) {
            for (int i : selected[r]) {
                mask[r * poolSize + i] += 1f;
            }
        }
        NDArray m = Owned.floats(similarity.getManager(), mask, similarity.getShape());
        return Scalars.mul(similarity.mul(m).sum(), -lambda / selected.length);
    }

    /**
     * The per-sample arg-max of a similarity matrix (top-1; ties to the lower index).
     *
     * @param similarity (B, M)
     * @return B indices
     */
    public static int[] top1(NDArray similarity) {
        return Arrays.stream(topN(similarity, 1)).mapToInt(r -> r[0]).toArray();
    }
}
