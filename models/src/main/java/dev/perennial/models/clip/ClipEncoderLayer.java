package dev.perennial.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;

/**
 * HF {@code CLIPEncoderLayer}, pre-norm: {@code x = x + self_attn(layer_norm1(x)); x = x + mlp(layer_norm2(x))}.
 */
public final class ClipEncoderLayer extends FixedShapeBlock {
    private final ClipAttention selfAttn;
    private final LayerNorm layerNorm1;
    private final ClipMlp mlp;
    private final LayerNorm layerNorm2;

    /**
     * Creates the layer.
     *
     * @param config the tower config
     */
    public ClipEncoderLayer(ClipVisionConfig config) {
        int d = config.hiddenSize();
        this.selfAttn = addChildBlock("self_attn", new ClipAttention(d, config.numAttentionHeads()));
        this.layerNorm1 = addChildBlock("layer_norm1", new LayerNorm(d, config.layerNormEps()));
        this.mlp = addChildBlock("mlp", new ClipMlp(d, config.intermediateSize(), config.hiddenAct()));
        this.layerNorm2 = addChildBlock("layer_norm2", new LayerNorm(d, config.layerNormEps()));
    }

    /**
     * Applies the layer.
     *
     * @param store the parameter store
     * @param x (B, T, D)
     * @param training whether this is a training pass
     * @return (B, T, D)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        x = x.add(selfAttn.forward(store, layerNorm1.forward(store, x, training), training));
        return x.add(mlp.forward(store, layerNorm2.forward(store, x, training), training));
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
