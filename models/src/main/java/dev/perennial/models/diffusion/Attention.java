package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 */
public final class Attention extends FixedShapeBlock {
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
        NDArray out = MultiHeadAttention.attend(q, k, v, null, 0f, training);
        return toOut.forward(store, MultiHeadAttention.mergeHeads(out), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }
}
