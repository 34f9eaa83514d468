package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Layer normalisation over the last axis with torch's names {@code weight} and {@code bias} (DJL's own
 * {@code LayerNorm} calls them gamma and beta).
 */
public final class LayerNorm extends FixedShapeBlock {
    private final long dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the norm with weight 1 and bias 0.
     *
     * @param dim the normalised (last) dimension
     * @param eps the epsilon inside the square root (timm ViT 1e-6, torch and HF CLIP 1e-5)
     */
    public LayerNorm(long dim, float eps) {
        if (dim <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm: dim must be positive and eps > 0, got " + dim + ", " + eps);
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = registerParameter("weight", Parameter.Type.GAMMA, new Shape(dim), ParameterInit.ONES);
        this.bias = registerParameter("bias", Parameter.Type.BETA, new Shape(dim), ParameterInit.ZEROS);
    }

    /** @return the weight (scale) */
    public Parameter weight() {
        return weight;
    }

    /** @return the bias (shift) */
    public Parameter bias() {
        return bias;
    }

    /**
     * Normalises {@code x} over its last axis.
     *
     * @param store the parameter store
     * @param x input, (…, dim)
     * @param training whether this is a training pass
     * @return same shape as x
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        if (x.getShape().dimension() == 0 || x.getShape().tail() != dim) {
            throw new IllegalArgumentException(
                    "LayerNorm(" + dim + "): input must end in " + dim + " features, got " + x.getShape());
        }
        return ai.djl.nn.norm.LayerNorm.layerNorm(
                        x,
                        new Shape(dim),
                        value(store, weight, x, training),
                        value(store, bias, x, training),
                        eps)
                .singletonOrThrow();
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
