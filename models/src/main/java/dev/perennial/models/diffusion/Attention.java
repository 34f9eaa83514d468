package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.nn.MultiHeadAttention;
import java.util.List;

/**
 * diffusers' {@code Attention} on token sequences: {@code to_q} from the hidden states, {@code to_k} and
 * {@code to_v} from the context (the hidden states themselves for self-attention), scaled dot-product attention per
 * head ({@code 1/√head_dim}), then {@code to_out.0} (always with a bias). The UNet's attentions have no q/k/v bias,
 * the VAE's have one.
 *
 * <p>The attention itself runs over slices of the batch ({@link #attendInBatchChunks}) so that no score tensor holds
 * more than {@link #MAX_CHUNK_SCORES} values: at full resolution a pixel-space UNet's self-attention materialises
 * (B, H, HW, HW) scores, 25 MB at batch 48 and 16 × 16 pixels and 50 MB under classifier-free guidance's doubled
 * batch, and tensors that large are mapped fresh from the kernel on every allocation (glibc's mmap threshold is at
 * most 32 MiB) and stream through memory several times per call; chunks stay in the allocator's heap and in cache
 * (issue #24, BENCHMARKS "The diffusion UNet's cost"). Each sample's attention is computed by the same operations
 * either way.
 */
public final class Attention extends FixedShapeBlock {
    /** The most attention scores (B·H·S·T values) one chunk materialises: 2^20 floats, 4 MiB. */
    public static final long MAX_CHUNK_SCORES = 1L << 20;

    private final int heads;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;

    /**
     * Creates the attention.
     *
     * @param dim query (and output) width
     * @param contextDim key/value input width ({@code dim} for self-attention)
     * @param heads heads; must divide {@code dim}
     * @param qkvBias whether q, k and v have biases
     */
    public Attention(int dim, int contextDim, int heads, boolean qkvBias) {
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("Attention: heads must divide the width; got width " + dim
                    + ", heads " + heads);
        }
        this.heads = heads;
        this.toQ = addChildBlock("to_q", new Linear(dim, dim, qkvBias));
        this.toK = addChildBlock("to_k", new Linear(contextDim, dim, qkvBias));
        this.toV = addChildBlock("to_v", new Linear(contextDim, dim, qkvBias));
        this.toOut = new Linear(dim, dim, true);
        addChildBlock("to_out", new ModuleList<>(List.of(toOut)));
    }

    /**
     * Attends.
     *
     * @param store the parameter store
     * @param x (B, N, dim)
     * @param context (B, M, contextDim), or null for self-attention
     * @param training whether this is a training pass
     * @return (B, N, dim)
     */
    public NDArray forward(ParameterStore store, NDArray x, NDArray context, boolean training) {
        NDArray c = context == null ? x : context;
        NDArray q = MultiHeadAttention.splitHeads(toQ.forward(store, x, training), heads);
        NDArray k = MultiHeadAttention.splitHeads(toK.forward(store, c, training), heads);
        NDArray v = MultiHeadAttention.splitHeads(toV.forward(store, c, training), heads);
        NDArray out = attendInBatchChunks(q, k, v, MAX_CHUNK_SCORES);
        return toOut.forward(store, MultiHeadAttention.mergeHeads(out), training);
    }

    /**
     * Scaled dot-product attention without mask or dropout ({@link MultiHeadAttention#attend}) over consecutive
     * slices of the batch, each as large as keeps its (b, H, S, T) score tensor within {@code maxScores} values (at
     * least one sample per slice), the slices' outputs concatenated; one call when the whole batch fits.
     *
     * @param q (B, H, S, d)
     * @param k (B, H, T, d)
     * @param v (B, H, T, d)
     * @param maxScores the most score values one slice may hold, >= 1
     * @return (B, H, S, d)
     */
    public static NDArray attendInBatchChunks(NDArray q, NDArray k, NDArray v, long maxScores) {
        if (maxScores < 1) {
            throw new IllegalArgumentException("attention: maxScores must be >= 1, was " + maxScores);
        }
        Shape qs = q.getShape();
        Shape ks = k.getShape();
        if (qs.dimension() != 4 || ks.dimension() != 4) {
            return MultiHeadAttention.attend(q, k, v, null, 0f, false); // reports the shapes
        }
        long batch = qs.get(0);
        long perSample = qs.get(1) * qs.get(2) * ks.get(2);
        long chunk = Math.max(1L, maxScores / Math.max(1L, perSample));
        if (chunk >= batch) {
            return MultiHeadAttention.attend(q, k, v, null, 0f, false);
        }
        NDList parts = new NDList();
        for (long start = 0; start < batch; start += chunk) {
            NDIndex slice = new NDIndex("{}:{}", start, Math.min(batch, start + chunk));
            parts.add(MultiHeadAttention.attend(q.get(slice), k.get(slice), v.get(slice), null, 0f, false));
        }
        return NDArrays.concat(parts, 0);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }
}
