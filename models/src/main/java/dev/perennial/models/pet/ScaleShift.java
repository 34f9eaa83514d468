package dev.perennial.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.models.nn.ParameterInit;

/**
 * One SSF pair (Lian et al. 2022, "Scaling & Shifting Your Features"): {@code y = x ⊙ γ + β} per channel of the
 * last axis (safe.md §3.1). γ and β are parameters of the block that owns the operation, named
 * {@code ssf_scale_<i>} and {@code ssf_shift_<i>} as in the reference {@code vision_transformer_ssf.py}; the owner
 * registers {@link #scale()} and {@link #shift()}.
 */
public final class ScaleShift {
    private final long dim;
    private final Parameter scale;
    private final Parameter shift;

    /**
     * Creates the pair with the reference initialisation γ ~ N(1, 0.02²), β ~ N(0, 0.02²).
     *
     * @param index the suffix i in {@code ssf_scale_i}
     * @param dim number of channels
     */
    public ScaleShift(int index, long dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("SSF: channel count must be positive, got " + dim);
        }
        this.dim = dim;
        this.scale = Parameter.builder()
                .setName("ssf_scale_" + index)
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(dim))
                .optInitializer(ParameterInit.normal(1f, 0.02f))
                .build();
        this.shift = Parameter.builder()
                .setName("ssf_shift_" + index)
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(dim))
                .optInitializer(ParameterInit.normal(0f, 0.02f))
                .build();
    }

    /** @return γ */
    public Parameter scale() {
        return scale;
    }

    /** @return β */
    public Parameter shift() {
        return shift;
    }

    /**
     * Applies {@code x ⊙ γ + β} over the last axis.
     *
     * @param store the parameter store
     * @param x (…, dim)
     * @param training whether this is a training pass
     * @return same shape as x
     */
    public NDArray apply(ParameterStore store, NDArray x, boolean training) {
        if (x.getShape().tail() != dim) {
            throw new IllegalArgumentException(
                    "SSF (" + scale.getName() + "): input must end in " + dim + " channels, got " + x.getShape());
        }
        NDArray g = store.getValue(scale, x.getDevice(), training);
        NDArray b = store.getValue(shift, x.getDevice(), training);
        return x.mul(g).add(b);
    }
}
