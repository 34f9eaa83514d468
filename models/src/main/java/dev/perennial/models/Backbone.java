package dev.perennial.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * A feature extractor that learners and distillers can use without knowing its architecture: its family
 * (cakd.md pairs CNN, attention and MLP students with teachers), the width of its pooled feature vector, and
 * the outputs of its stages.
 *
 * <p>{@link Block#forward} keeps its architecture-specific meaning (usually logits when the backbone has a
 * classification head, else the pooled features); {@link #features} always returns the pooled features and
 * every stage output from one pass.
 */
public interface Backbone extends Block {

    /**
     * The kind of stages this backbone is made of.
     *
     * @return the family
     */
    ModelFamily family();

    /**
     * The width of {@link BackboneFeatures#pooled()}: the input width of a classification head on top.
     *
     * @return the feature dimension
     */
    int featureDim();

    /**
     * The names of the stages whose outputs {@link #features} returns, in forward order, using the
     * checkpoint's own module names (e.g. {@code layer1 … layer4} for ResNet, {@code blocks.0 …} for ViT).
     *
     * @return the stage names
     */
    List<String> stageNames();

    /**
     * One forward pass returning the pooled features and every stage output. The arrays are attached to the
     * input's manager, like any forward output.
     *
     * @param parameterStore the parameter store
     * @param input the input batch, e.g. images {@code (N, C, H, W)}
     * @param training whether in training mode (dropout, batch-norm statistics)
     * @return the pooled features and the stage outputs
     */
    BackboneFeatures features(ParameterStore parameterStore, NDArray input, boolean training);
}
