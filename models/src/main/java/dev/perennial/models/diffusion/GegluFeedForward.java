package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;

/**
 * diffusers' {@code FeedForward} with the GEGLU activation (Shazeer 2020): {@code net.0.proj} maps the width
 * {@code d} to {@code 2·4d}, split into a value half {@code a} and a gate half {@code g}; the output is
 * {@code net.2(a · GELU(g))} with exact GELU. {@code net.1} is a parameter-free dropout (rate 0).
 */
public final class GegluFeedForward extends FixedShapeBlock {
    private final Linear proj;
    private final Linear out;
    private final int inner;

    /**
     * Creates the feed-forward block.
     *
     * @param dim width d (inner width 4d)
     */
    public GegluFeedForward(int dim) {
        this.inner = 4 * dim;
        this.proj = new Linear(dim, 2L * inner, true);
        this.out = new Linear(inner, dim, true);
        addChildBlock("net", new Net(proj, out));
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param x (…, d)
     * @param training whether this is a training pass
     * @return (…, d)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray h = proj.forward(store, x, training);
        int last = h.getShape().dimension() - 1;
        NDList halves = h.split(2, last);
        return out.forward(store, halves.get(0).mul(ActivationFunction.GELU.apply(halves.get(1))), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    /** {@code net}: child {@code 0} holds {@code proj}, child {@code 2} is the output projection. */
    private static final class Net extends FixedShapeBlock {
        Net(Linear proj, Linear out) {
            addChildBlock("0", new Geglu(proj));
            addChildBlock("2", out);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            throw new UnsupportedOperationException("call GegluFeedForward.forward");
        }
    }

    /** {@code net.0}: holds the projection under {@code proj}. */
    private static final class Geglu extends FixedShapeBlock {
        Geglu(Linear proj) {
            addChildBlock("proj", proj);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            throw new UnsupportedOperationException("call GegluFeedForward.forward");
        }
    }
}
