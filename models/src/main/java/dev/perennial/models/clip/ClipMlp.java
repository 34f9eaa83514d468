package dev.perennial.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;

/** HF {@code CLIPMLP}: {@code fc2(act(fc1(x)))}, quick-GELU for OpenAI CLIP. */
public final class ClipMlp extends FixedShapeBlock {
    private final Linear fc1;
    private final Linear fc2;
    private final ActivationFunction activation;

    /**
     * Creates the block.
     *
     * @param dim D
     * @param hidden intermediate size
     * @param activation the activation
     */
    public ClipMlp(int dim, int hidden, ActivationFunction activation) {
        this.activation = activation;
        this.fc1 = addChildBlock("fc1", new Linear(dim, hidden, true));
        this.fc2 = addChildBlock("fc2", new Linear(hidden, dim, true));
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
        return fc2.forward(store, activation.apply(fc1.forward(store, x, training)), training);
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
