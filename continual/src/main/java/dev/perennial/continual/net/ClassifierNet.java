package dev.perennial.continual.net;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;

/**
 * A backbone with one linear head over every class of the scenario (a single-head class-incremental classifier:
 * learners mask the logits of classes not seen yet).
 */
public final class ClassifierNet extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Backbone backbone;
    private final Linear head;

    /**
     * Creates the network.
     *
     * @param backbone the feature extractor
     * @param classes the number of classes of the scenario
     */
    public ClassifierNet(Backbone backbone, int classes) {
        super(VERSION);
        this.backbone = addChildBlock("backbone", backbone);
        this.head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    /**
     * The feature extractor.
     *
     * @return the backbone
     */
    public Backbone backbone() {
        return backbone;
    }

    /**
     * Features and logits of one pass.
     *
     * @param ps the parameter store
     * @param images the input
     * @param training training mode
     * @return {@code features} then {@code logits}
     */
    public NDList featuresAndLogits(ParameterStore ps, ai.djl.ndarray.NDArray images, boolean training) {
        BackboneFeatures f = backbone.features(ps, images, training);
        return new NDList(f.pooled(), head.forward(ps, new NDList(f.pooled()), training).singletonOrThrow());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(featuresAndLogits(ps, inputs.singletonOrThrow(), training).get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(backbone.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
    }
}
