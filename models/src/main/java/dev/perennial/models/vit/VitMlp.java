package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.pet.ScaleShift;

/**
 * timm's transformer MLP {@code fc2(GELU(fc1(x)))}; with SSF, {@code ssf_scale_1} after fc1 and {@code ssf_scale_2}
 * after fc2 (safe.md §3.1).
 */
public final class VitMlp extends FixedShapeBlock {
    private final Linear fc1;
    private final Linear fc2;
    private final ScaleShift ssf1;
    private final ScaleShift ssf2;

    /**
     * Creates the block.
     *
     * @param dim D
     * @param hidden hidden width
     * @param ssf whether to add SSF pairs
     */
    public VitMlp(int dim, int hidden, boolean ssf) {
        this.fc1 = addChildBlock("fc1", new Linear(dim, hidden, true));
        this.fc2 = addChildBlock("fc2", new Linear(hidden, dim, true));
        if (ssf) {
            ssf1 = new ScaleShift(1, hidden);
            ssf2 = new ScaleShift(2, dim);
            addParameter(ssf1.scale());
            addParameter(ssf1.shift());
            addParameter(ssf2.scale());
            addParameter(ssf2.shift());
        } else {
            ssf1 = null;
            ssf2 = null;
        }
    }

    /** @return the first projection */
    public Linear fc1() {
        return fc1;
    }

    /** @return the second projection */
    public Linear fc2() {
        return fc2;
    }

    /**
     * Applies the MLP.
     *
     * @param store the parameter store
     * @param x (…, D)
     * @param training whether this is a training pass
     * @return (…, D)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray h = fc1.forward(store, x, training);
        if (ssf1 != null) {
            h = ssf1.apply(store, h, training);
        }
        h = fc2.forward(store, ActivationFunction.GELU.apply(h), training);
        return ssf2 == null ? h : ssf2.apply(store, h, training);
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
