package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.Optional;

/**
 * A fully connected layer {@code y = x Wᵀ + b} with torch's parameter names ({@code weight} of shape
 * (out, in), {@code bias} of shape (out)) and a slot for one {@link LinearAdapter}.
 *
 * <p>The slot is what lets LoRA be injected into a built (and loaded) model by module name, as PEFT does,
 * without rebuilding the model: the base weight keeps its checkpoint name and the adapter's tensors appear
 * beside it.
 */
public final class Linear extends FixedShapeBlock {
    private final long inFeatures;
    private final long outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private LinearAdapter adapter;

    /**
     * Creates the layer with torch's default initialisation (Kaiming-uniform weight and bias bound 1/√in).
     *
     * @param inFeatures input features
     * @param outFeatures output features
     * @param withBias whether there is a bias
     */
    public Linear(long inFeatures, long outFeatures, boolean withBias) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException(
                    "Linear: in and out features must be positive, got " + inFeatures + " -> " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight =
                registerParameter(
                        "weight",
                        Parameter.Type.WEIGHT,
                        new Shape(outFeatures, inFeatures),
                        ParameterInit.kaimingUniform(inFeatures));
        this.bias =
                withBias
                        ? registerParameter(
                                "bias",
                                Parameter.Type.BIAS,
                                new Shape(outFeatures),
                                ParameterInit.kaimingUniform(inFeatures))
                        : null;
    }

    /** @return input features */
    public long inFeatures() {
        return inFeatures;
    }

    /** @return output features */
    public long outFeatures() {
        return outFeatures;
    }

    /** @return the weight, (out, in) */
    public Parameter weight() {
        return weight;
    }

    /** @return the bias, if the layer has one */
    public Optional<Parameter> bias() {
        return Optional.ofNullable(bias);
    }

    /** @return the attached adapter, if any */
    public Optional<LinearAdapter> adapter() {
        return Optional.ofNullable(adapter);
    }

    /**
     * Attaches an adapter; its blocks become children of this layer under their torch names.
     *
     * @param newAdapter the adapter
     * @throws IllegalStateException if an adapter is already attached
     */
    public void attachAdapter(LinearAdapter newAdapter) {
        if (adapter != null) {
            throw new IllegalStateException(
                    "Linear already carries an adapter (" + adapter.getClass().getSimpleName()
                            + "); detach it first");
        }
        for (Pair<String, Block> b : newAdapter.blocks()) {
            addChildBlock(b.getKey(), b.getValue());
        }
        adapter = newAdapter;
    }

    /**
     * Removes the adapter and its child blocks (their parameters are not closed: the caller owns them).
     *
     * @return the removed adapter, if there was one
     */
    public Optional<LinearAdapter> detachAdapter() {
        if (adapter == null) {
            return Optional.empty();
        }
        // The adapter's blocks are the only children a Linear ever has, so removing them empties the list.
        children.clear();
        LinearAdapter removed = adapter;
        adapter = null;
        return Optional.of(removed);
    }

    /**
     * The base projection {@code x Wᵀ + b} without the adapter.
     *
     * @param store the parameter store
     * @param x input, (…, in)
     * @param training whether this is a training pass
     * @return (…, out)
     */
    public NDArray forwardBase(ParameterStore store, NDArray x, boolean training) {
        if (x.getShape().dimension() == 0 || x.getShape().tail() != inFeatures) {
            throw new IllegalArgumentException(
                    "Linear(" + inFeatures + " -> " + outFeatures + "): input must end in " + inFeatures
                            + " features, got shape " + x.getShape());
        }
        NDArray w = value(store, weight, x, training);
        return bias == null
                ? ai.djl.nn.core.Linear.linear(x, w).singletonOrThrow()
                : ai.djl.nn.core.Linear.linear(x, w, value(store, bias, x, training)).singletonOrThrow();
    }

    /**
     * The layer's output, including the adapter's contribution.
     *
     * @param store the parameter store
     * @param x input, (…, in)
     * @param training whether this is a training pass
     * @return (…, out)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray y = forwardBase(store, x, training);
        return adapter == null ? y : adapter.apply(store, x, y, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(outFeatures)};
    }
}
