package dev.perennial.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ParameterInit;
import dev.perennial.models.nn.Scalars;

/**
 * The AdaptFormer bottleneck (Chen et al. 2022) as used by SAFE (safe.md §3.1):
 * {@code adapter(h) = s · up(dropout(ReLU(down(h))))}, children {@code down_proj} and {@code up_proj} (the names
 * of the reference code's {@code adaptmlp}).
 *
 * <p>Initialisation {@code init_option="lora"}: {@code down} weight Kaiming-uniform, {@code up} weight and both
 * biases zero, so the adapter outputs exactly 0 until trained and the block equals the pre-trained one.
 */
public final class AdaptFormerAdapter extends FixedShapeBlock {
    private final AdapterConfig config;
    private final Linear down;
    private final Linear up;

    /**
     * Creates the adapter.
     *
     * @param dim model width
     * @param config bottleneck, scale, dropout
     */
    public AdaptFormerAdapter(long dim, AdapterConfig config) {
        this.config = config;
        this.down = addChildBlock("down_proj", new Linear(dim, config.bottleneck(), true));
        this.up = addChildBlock("up_proj", new Linear(config.bottleneck(), dim, true));
        down.bias().orElseThrow().setInitializer(ParameterInit.ZEROS);
        up.weight().setInitializer(ParameterInit.ZEROS);
        up.bias().orElseThrow().setInitializer(ParameterInit.ZEROS);
    }

    /** @return the settings */
    public AdapterConfig config() {
        return config;
    }

    /** @return the down-projection */
    public Linear down() {
        return down;
    }

    /** @return the up-projection */
    public Linear up() {
        return up;
    }

    /**
     * The adapter's contribution (to be added to the residual stream).
     *
     * @param store the parameter store
     * @param h the tokens entering the MLP sub-block, (…, dim)
     * @param training whether this is a training pass (dropout)
     * @return {@code s · up(dropout(ReLU(down(h))))}, same shape as h
     */
    public NDArray forward(ParameterStore store, NDArray h, boolean training) {
        NDArray z = ActivationFunction.RELU.apply(down.forward(store, h, training));
        if (config.dropout() > 0 && training) {
            z = Dropout.dropout(z, config.dropout(), true).singletonOrThrow();
        }
        return Scalars.mul(up.forward(store, z, training), config.scale());
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
