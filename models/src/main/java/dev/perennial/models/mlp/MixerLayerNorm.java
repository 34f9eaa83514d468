package dev.perennial.models.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.FixedShapeLayer;

/** torch {@code nn.LayerNorm} over the last axis, names {@code weight} and {@code bias}. */
final class MixerLayerNorm extends FixedShapeLayer {
    private final int dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    MixerLayerNorm(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        weight = register("weight", Parameter.Type.GAMMA, new Shape(dim), Initializer.ONES);
        bias = register("bias", Parameter.Type.BETA, new Shape(dim), Initializer.ZEROS);
    }

    NDArray forward(ParameterStore store, NDArray x, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(dim), value(store, weight, x, training),
                value(store, bias, x, training), eps).singletonOrThrow();
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
