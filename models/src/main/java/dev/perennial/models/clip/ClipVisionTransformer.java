package dev.perennial.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * HF {@code CLIPVisionTransformer}: {@code embeddings}, {@code pre_layrnorm} (HF's spelling), {@code encoder},
 * {@code post_layernorm} (applied to the class token only).
 */
public final class ClipVisionTransformer extends FixedShapeBlock {
    private final ClipVisionConfig config;
    private final ClipVisionEmbeddings embeddings;
    private final LayerNorm preLayerNorm;
    private final ClipEncoder encoder;
    private final LayerNorm postLayerNorm;

    /**
     * Creates the tower body.
     *
     * @param config the tower config
     */
    public ClipVisionTransformer(ClipVisionConfig config) {
        this.config = config;
        int d = config.hiddenSize();
        this.embeddings = addChildBlock("embeddings", new ClipVisionEmbeddings(config));
        this.preLayerNorm = addChildBlock("pre_layrnorm", new LayerNorm(d, config.layerNormEps()));
        this.encoder = addChildBlock("encoder", new ClipEncoder(config));
        this.postLayerNorm = addChildBlock("post_layernorm", new LayerNorm(d, config.layerNormEps()));
    }

    /** @return the encoder */
    public ClipEncoder encoder() {
        return encoder;
    }

    /**
     * The forward pass with every hidden state.
     *
     * @param store the parameter store
     * @param images (B, C, H, W)
     * @param training whether this is a training pass
     * @return the outputs
     */
    public ClipVisionOutput forwardAll(ParameterStore store, NDArray images, boolean training) {
        NDArray h = preLayerNorm.forward(store, embeddings.forward(store, images, training), training);
        List<NDArray> hidden = new ArrayList<>();
        hidden.add(h);
        for (ClipEncoderLayer layer : encoder.layers()) {
            h = layer.forward(store, h, training);
            hidden.add(h);
        }
        NDArray pooled = postLayerNorm.forward(store, h.get(new NDIndex(":, 0, :")), training);
        return new ClipVisionOutput(h, pooled, List.copyOf(hidden));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        ClipVisionOutput out = forwardAll(store, inputs.singletonOrThrow(), training);
        return new NDList(out.lastHiddenState(), out.pooledOutput());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {
            new Shape(b, config.numPositions(), config.hiddenSize()), new Shape(b, config.hiddenSize())
        };
    }
}
