package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Root-mean-square normalisation (Zhang and Sennrich 2019), as in LLaMA:
 * {@code y = x / sqrt(mean(x², last axis) + eps) · g} (djl-notes §1.4), with the single parameter {@code weight}.
 */
public final class RmsNorm extends FixedShapeBlock {
    private final long dim;
    private final float eps;
    private final Parameter weight;

    /**
     * Creates the norm with g = 1.
     *
     * @param dim the normalised (last) dimension
     * @param eps epsilon added to the mean square (LLaMA-2 1e-5, HF default 1e-6)
     */
    public RmsNorm(long dim, float eps) {
        if (dim <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("RmsNorm: dim must be positive and eps > 0, got " + dim + ", " + eps);
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = registerParameter("weight", Parameter.Type.GAMMA, new Shape(dim), ParameterInit.ONES);
    }

    /** @return the gain g */
    public Parameter weight() {
        return weight;
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
                    "RmsNorm(" + dim + "): input must end in " + dim + " features, got " + x.getShape());
        }
        if (x.getDataType() == DataType.FLOAT16 && !training) {
            // As HF's LlamaRMSNorm: normalise in float32, because x² overflows float16 for |x| > 256 (LLaMA's
            // residual stream has such outliers). Not in training: DJL's toType detaches from autograd.
            NDArray wide = x.toType(DataType.FLOAT32, false);
            NDArray rms = Scalars.add(wide.square().mean(new int[] {-1}, true), eps).sqrt();
            return wide.div(rms).toType(DataType.FLOAT16, false).mul(value(store, weight, x, training));
        }
        NDArray rms = Scalars.add(x.square().mean(new int[] {-1}, true), eps).sqrt();
        return x.div(rms).mul(value(store, weight, x, training));
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
