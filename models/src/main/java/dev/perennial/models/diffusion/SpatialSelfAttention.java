package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.nn.MultiHeadAttention;
import java.util.List;

/**
 * The autoencoder's mid-block attention (diffusers {@code Attention} with a {@code group_norm}, one head of the full
 * width, q/k/v with biases, residual): {@code x + to_out.0(attn(group_norm(x) as H·W tokens))}.
 *
 * <p>Checkpoints saved by older diffusers versions call the projections {@code query}, {@code key},
 * {@code value} and {@code proj_attn}; {@link Diffusers#LEGACY_VAE_ATTENTION} renames them.
 */
public final class SpatialSelfAttention extends FixedShapeBlock {
    private final GroupNorm groupNorm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;

    /**
     * Creates the block.
     *
     * @param channels channels
     * @param groups GroupNorm groups (eps 1e-6)
     */
    public SpatialSelfAttention(int channels, int groups) {
        this.groupNorm = addChildBlock("group_norm", new GroupNorm(groups, channels, 1e-6f));
        this.toQ = addChildBlock("to_q", new Linear(channels, channels, true));
        this.toK = addChildBlock("to_k", new Linear(channels, channels, true));
        this.toV = addChildBlock("to_v", new Linear(channels, channels, true));
        this.toOut = new Linear(channels, channels, true);
        addChildBlock("to_out", new ModuleList<>(List.of(toOut)));
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param x (B, C, H, W)
     * @param training whether this is a training pass
     * @return (B, C, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        Shape s = x.getShape();
        NDArray y = groupNorm.forward(store, x, training).reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
        NDArray q = MultiHeadAttention.splitHeads(toQ.forward(store, y, training), 1);
        NDArray k = MultiHeadAttention.splitHeads(toK.forward(store, y, training), 1);
        NDArray v = MultiHeadAttention.splitHeads(toV.forward(store, y, training), 1);
        y = toOut.forward(store, MultiHeadAttention.mergeHeads(Attention.attendInBatchChunks(q, k, v,
                Attention.MAX_CHUNK_SCORES)), training);
        return y.transpose(0, 2, 1).reshape(s).add(x);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
