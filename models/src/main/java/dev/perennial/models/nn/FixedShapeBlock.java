package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;

/**
 * A block whose parameter shapes are fixed by its configuration at construction, as in a torch
 * {@code nn.Module}, rather than inferred from the first input.
 *
 * <p>Because no shape depends on the input, {@link #initialize} can be called with any (or no) input shapes:
 * every child is initialised with the same arguments. This is what lets a checkpoint be copied into the
 * parameters right after initialisation (djl-notes §4.3: initialise first, then {@code copyTo}) and lets PET
 * modules be attached to a live model later.
 */
public abstract class FixedShapeBlock extends AbstractBlock {

    /** Creates the block with DJL block version 1. */
    protected FixedShapeBlock() {
        super((byte) 1);
    }

    /**
     * Registers a parameter under its torch name with a fixed shape.
     *
     * @param name the torch name, e.g. {@code weight}, {@code cls_token}
     * @param type DJL's parameter type (only informative here)
     * @param shape the shape
     * @param initializer how to fill it at initialisation
     * @return the registered parameter
     */
    protected final Parameter registerParameter(
            String name, Parameter.Type type, Shape shape, Initializer initializer) {
        return addParameter(
                Parameter.builder()
                        .setName(name)
                        .setType(type)
                        .optShape(shape)
                        .optInitializer(initializer)
                        .build());
    }

    /**
     * The value of a parameter for the device of {@code like}.
     *
     * @param store the parameter store of this forward pass
     * @param parameter the parameter
     * @param like an input array on the target device
     * @param training whether this is a training pass
     * @return the parameter's array
     */
    protected static NDArray value(ParameterStore store, Parameter parameter, NDArray like, boolean training) {
        return store.getValue(parameter, like.getDevice(), training);
    }

    /**
     * Moves an array computed from a parameter into the manager of the pass's input.
     *
     * <p>DJL attaches an operation's result to the manager of its first operand. A layer that starts from a
     * parameter (an embedding lookup, a class token, prompt tokens) would otherwise leave its result, and every
     * later activation computed from it, in the parameters' manager: one set of arrays per step for any caller
     * that does not wrap the pass in an {@code NDScope}. Autograd keeps its own references, so gradients are
     * unaffected. Never pass a parameter's own array here, only a result derived from it.
     *
     * @param derived an array just computed from a parameter
     * @param like an input of the pass, whose manager should own the result
     * @return {@code derived}, now attached to {@code like}'s manager
     */
    protected static NDArray inPassScope(NDArray derived, NDArray like) {
        derived.attach(like.getManager());
        return derived;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Block> child : getChildren()) {
            child.getValue().initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName()
                        + " does not infer output shapes; run a forward pass or read the shapes from its config");
    }
}
