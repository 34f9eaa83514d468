package dev.perennial.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.MultiHeadAttention;

/** HF {@code CLIPAttention}: separate {@code k_proj}, {@code v_proj}, {@code q_proj}, {@code out_proj} with biases, no mask. */
public final class ClipAttention extends FixedShapeBlock {
    private final int heads;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear qProj;
    private final Linear outProj;

    /**
     * Creates the block.
     *
     * @param dim D
     * @param heads heads
     */
    public ClipAttention(int dim, int heads) {
        this.heads = heads;
        this.kProj = addChildBlock("k_proj", new Linear(dim, dim, true));
        this.vProj = addChildBlock("v_proj", new Linear(dim, dim, true));
        this.qProj = addChildBlock("q_proj", new Linear(dim, dim, true));
        this.outProj = addChildBlock("out_proj", new Linear(dim, dim, true));
    }

    /**
     * Self-attention.
     *
     * @param store the parameter store
     * @param x (B, T, D)
     * @param training whether this is a training pass
     * @return (B, T, D)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray q = MultiHeadAttention.splitHeads(qProj.forward(store, x, training), heads);
        NDArray k = MultiHeadAttention.splitHeads(kProj.forward(store, x, training), heads);
        NDArray v = MultiHeadAttention.splitHeads(vProj.forward(store, x, training), heads);
        NDArray out = MultiHeadAttention.attend(q, k, v, null, 0f, training);
        return outProj.forward(store, MultiHeadAttention.mergeHeads(out), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
