package dev.perennial.models.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.FixedShapeLayer;
import dev.perennial.models.cnn.LinearLayer;

/** timm's {@code Mlp}: {@code fc2(GELU(fc1(x)))} with the exact (erf) GELU; dropout rate 0 as in Mixer. */
final class MixerMlp extends FixedShapeLayer {
    private final LinearLayer fc1;
    private final LinearLayer fc2;

    MixerMlp(int in, int hidden) {
        fc1 = addChildBlock("fc1", new LinearLayer(in, hidden));
        fc2 = addChildBlock("fc2", new LinearLayer(hidden, in));
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
