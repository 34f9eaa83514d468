package dev.perennial.models.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;

/** timm's {@code Mlp}: {@code fc2(GELU(fc1(x)))} with the exact (erf) GELU; dropout rate 0 as in Mixer. */
final class MixerMlp extends FixedShapeBlock {
    private final Linear fc1;
    private final Linear fc2;

    MixerMlp(int in, int hidden) {
        fc1 = addChildBlock("fc1", new Linear(in, hidden, true));
        fc2 = addChildBlock("fc2", new Linear(hidden, in, true));
    }

    NDArray forward(ParameterStore store, NDArray x, boolean training) {
        return fc2.forward(store, Activation.gelu(fc1.forward(store, x, training)), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
