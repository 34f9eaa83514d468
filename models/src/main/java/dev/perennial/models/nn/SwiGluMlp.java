package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * LLaMA's feed-forward block (Shazeer 2020, SwiGLU): {@code down(SiLU(gate(x)) ⊙ up(x))}, children named
 * {@code gate_proj}, {@code up_proj}, {@code down_proj} as in HF {@code LlamaMLP}.
 */
public final class SwiGluMlp extends FixedShapeBlock {
    private final Linear gate;
    private final Linear up;
    private final Linear down;

    /**
     * Creates the block.
     *
     * @param dim model width
     * @param hidden intermediate width
     * @param withBias whether the projections have biases (HF {@code mlp_bias}, false for LLaMA)
     */
    public SwiGluMlp(long dim, long hidden, boolean withBias) {
        this.gate = addChildBlock("gate_proj", new Linear(dim, hidden, withBias));
        this.up = addChildBlock("up_proj", new Linear(dim, hidden, withBias));
        this.down = addChildBlock("down_proj", new Linear(hidden, dim, withBias));
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param x (…, dim)
     * @param training whether this is a training pass
     * @return (…, dim)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray g = ActivationFunction.SILU.apply(gate.forward(store, x, training));
        return down.forward(store, g.mul(up.forward(store, x, training)), training);
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
