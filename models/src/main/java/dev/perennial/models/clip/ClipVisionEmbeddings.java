package dev.perennial.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.Conv2d;
import dev.perennial.models.nn.Embedding;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ParameterInit;

/**
 * HF {@code CLIPVisionEmbeddings}: {@code class_embedding} (D), {@code patch_embedding} (bias-free convolution) and
 * {@code position_embedding} (positions × D); output {@code [class; patches] + positions}.
 */
public final class ClipVisionEmbeddings extends FixedShapeBlock {
    private final ClipVisionConfig config;
    private final Parameter classEmbedding;
    private final Conv2d patchEmbedding;
    private final Embedding positionEmbedding;

    /**
     * Creates the block.
     *
     * @param config the tower config
     */
    public ClipVisionEmbeddings(ClipVisionConfig config) {
        this.config = config;
        int d = config.hiddenSize();
        this.classEmbedding = registerParameter(
                "class_embedding", Parameter.Type.WEIGHT, new Shape(d), ParameterInit.normal(0f, 1f));
        this.patchEmbedding = addChildBlock(
                "patch_embedding",
                new Conv2d(config.numChannels(), d, config.patchSize(), config.patchSize(), false));
        this.positionEmbedding = addChildBlock("position_embedding", new Embedding(config.numPositions(), d));
    }

    /**
     * Embeds images.
     *
     * @param store the parameter store
     * @param images (B, C, H, W) at the configured size
     * @param training whether this is a training pass
     * @return (B, 1 + N, D)
     */
    public NDArray forward(ParameterStore store, NDArray images, boolean training) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != config.numChannels() || s.get(2) != config.imageSize()
                || s.get(3) != config.imageSize()) {
            throw new IllegalArgumentException(
                    "CLIP vision: images must be (batch, " + config.numChannels() + ", " + config.imageSize() + ", "
                            + config.imageSize() + "), got " + s);
        }
        NDArray patches = patchEmbedding.forward(store, images, training);
        Shape c = patches.getShape();
        patches = patches.reshape(c.get(0), c.get(1), c.get(2) * c.get(3)).transpose(0, 2, 1);
        int d = config.hiddenSize();
        NDArray cls = inPassScope(value(store, classEmbedding, patches, training).reshape(1, 1, d), patches)
                .broadcast(c.get(0), 1, d);
        NDArray positions = inPassScope(value(store, positionEmbedding.weight(), patches, training).expandDims(0),
                patches);
        return cls.concat(patches, 1).add(positions);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numPositions(), config.hiddenSize())};
    }
}
