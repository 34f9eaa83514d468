package dev.perennial.models.cnn;

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
 * A block whose parameter shapes are fixed by its configuration, as in a torch {@code nn.Module}, so that
 * {@link #initialize} needs no shape inference and a checkpoint can be copied in right after it (djl-notes §4.3).
 * Parameters and children are registered under their torch names, which {@link dev.perennial.models.ParameterNames}
 * turns into dotted names such as {@code layer1.0.conv1.weight}.
 */
public abstract class FixedShapeLayer extends AbstractBlock {

    /** Creates the block (DJL block version 1). */
    protected FixedShapeLayer() {
        super((byte) 1);
    }

    /**
     * Registers a parameter with a fixed shape and its own initializer.
     *
     * @param name the torch name ({@code weight}, {@code running_mean}, ...)
     * @param type DJL's parameter type; {@code RUNNING_MEAN}/{@code RUNNING_VAR} parameters get no gradient
     * @param shape the shape
     * @param initializer the initial values
     * @return the parameter
     */
    protected final Parameter register(String name, Parameter.Type type, Shape shape, Initializer initializer) {
        boolean trainable = type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR;
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape)
                .optInitializer(initializer).optRequiresGrad(trainable).build());
    }

    /**
     * A parameter's value on the device of an input.
     *
     * @param store the parameter store
     * @param parameter the parameter
     * @param like an array on the target device
     * @param training whether training
     * @return the value
     */
    protected static NDArray value(ParameterStore store, Parameter parameter, NDArray like, boolean training) {
        return store.getValue(parameter, like.getDevice(), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Block> child : getChildren()) {
            child.getValue().initialize(manager, dataType, inputShapes);
        }
    }
}
