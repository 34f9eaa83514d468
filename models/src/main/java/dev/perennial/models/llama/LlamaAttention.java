package dev.perennial.models.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.MultiHeadAttention;
import dev.perennial.models.nn.RotaryEmbedding;
import dev.perennial.models.nn.Scalars;
import java.util.Optional;

/**
 * HF {@code LlamaAttention}: {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj}; RoPE on queries and keys;
 * grouped-query attention (each key/value head serves {@code heads / kvHeads} query heads, Ainslie et al. 2023);
 * causal (plus optional padding) additive mask; optional KV cache.
 *
 * <p>GQA is computed by grouping the query heads instead of repeating keys and values ({@code repeat_kv}): the query
 * heads of one group are stacked along the sequence axis, so the cached keys and values are never copied.
 */
public final class LlamaAttention extends FixedShapeBlock {
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear oProj;

    /**
     * Creates the block.
     *
     * @param config the decoder config
     */
    public LlamaAttention(LlamaConfig config) {
        this.heads = config.numAttentionHeads();
        this.kvHeads = config.numKeyValueHeads();
        this.headDim = config.headDim();
        int d = config.hiddenSize();
        boolean bias = config.attentionBias();
        this.qProj = addChildBlock("q_proj", new Linear(d, (long) heads * headDim, bias));
        this.kProj = addChildBlock("k_proj", new Linear(d, (long) kvHeads * headDim, bias));
        this.vProj = addChildBlock("v_proj", new Linear(d, (long) kvHeads * headDim, bias));
        this.oProj = addChildBlock("o_proj", new Linear((long) heads * headDim, d, bias));
    }

    /**
     * Causal self-attention over the cached and the new positions.
     *
     * @param store the parameter store
     * @param x new tokens, (B, S, D)
     * @param rope the rotary embedding
     * @param cosSin [cos, sin] for the new positions, each (S, d)
     * @param mask additive mask broadcastable to (B, 1, S, T), T = cached + S
     * @param cache the KV cache and this layer's index in it, if generating incrementally
     * @param layer this layer's index
     * @param training whether this is a training pass
     * @return (B, S, D)
     */
    public NDArray forward(
            ParameterStore store,
            NDArray x,
            RotaryEmbedding rope,
            NDList cosSin,
            NDArray mask,
            Optional<KvCache> cache,
            int layer,
            boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long len = s.get(1);
        NDArray q = qProj.forward(store, x, training).reshape(b, len, heads, headDim).transpose(0, 2, 1, 3);
        NDArray k = kProj.forward(store, x, training).reshape(b, len, kvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray v = vProj.forward(store, x, training).reshape(b, len, kvHeads, headDim).transpose(0, 2, 1, 3);
        q = rope.apply(q, cosSin.get(0), cosSin.get(1));
        NDArray keysTransposed = rope.apply(k, cosSin.get(0), cosSin.get(1)).transpose(0, 1, 3, 2);
        if (cache.isPresent()) {
            NDArray[] full = cache.get().append(layer, keysTransposed, v);
            keysTransposed = full[0];
            v = full[1];
        }
        long total = v.getShape().get(2);
        long groups = heads / kvHeads;
        // (B, H, S, d) → (B, Hkv, n·S, d): query head h = g·n + r joins key/value head g (HF repeat_kv).
        NDArray grouped = q.reshape(b, kvHeads, groups * len, headDim);
        NDArray scores = Scalars.mul(grouped.matMul(keysTransposed), (float) (1.0 / Math.sqrt(headDim)))
                .reshape(b, kvHeads, groups, len, total)
                .add(mask.expandDims(1));
        NDArray weights = scores.softmax(-1).reshape(b, kvHeads, groups * len, total);
        NDArray out = weights.matMul(v).reshape(b, heads, len, headDim);
        return oProj.forward(store, MultiHeadAttention.mergeHeads(out), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(
                "LlamaAttention needs positions and a mask; call it through LlamaModel or LlamaForCausalLM");
    }
}
