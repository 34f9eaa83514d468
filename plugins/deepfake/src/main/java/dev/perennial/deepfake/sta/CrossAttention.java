package dev.perennial.deepfake.sta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.MultiHeadAttention;

/**
 * torch {@code nn.MultiheadAttention(C', heads)} with separate query and key/value inputs, composed from Linear
 * projections and the shared hand-written attention (DJL 0.36 has no fused SDPA): 4·C'² + 4·C' parameters.
 */
public final class CrossAttention extends FixedShapeBlock {
    private final int heads;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    /**
     * Creates the attention.
     *
     * @param width C'
     * @param heads the number of heads, dividing C'
     */
    public CrossAttention(int width, int heads) {
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("CrossAttention: width " + width + " must be divisible by heads "
                    + heads);
        }
        this.heads = heads;
        q = addChildBlock("q_proj", new Linear(width, width, true));
        k = addChildBlock("k_proj", new Linear(width, width, true));
        v = addChildBlock("v_proj", new Linear(width, width, true));
        out = addChildBlock("out_proj", new Linear(width, width, true));
    }

    /**
     * Attends.
     *
     * @param store the parameter store
     * @param query (B, S, C')
     * @param keyValue (B, S', C')
     * @param training whether training
     * @return (B, S, C')
     */
    public NDArray forward(ParameterStore store, NDArray query, NDArray keyValue, boolean training) {
        NDArray qh = MultiHeadAttention.splitHeads(q.forward(store, query, training), heads);
        NDArray kh = MultiHeadAttention.splitHeads(k.forward(store, keyValue, training), heads);
        NDArray vh = MultiHeadAttention.splitHeads(v.forward(store, keyValue, training), heads);
        NDArray attended = MultiHeadAttention.attend(qh, kh, vh, null, 0f, training);
        return out.forward(store, MultiHeadAttention.mergeHeads(attended), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.get(1), training));
    }
}
