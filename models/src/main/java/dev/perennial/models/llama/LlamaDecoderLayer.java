package dev.perennial.models.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.RmsNorm;
import dev.perennial.models.nn.RotaryEmbedding;
import dev.perennial.models.nn.SwiGluMlp;
import java.util.Optional;

/**
 * HF {@code LlamaDecoderLayer}, pre-norm:
 * {@code h = x + self_attn(input_layernorm(x)); out = h + mlp(post_attention_layernorm(h))}.
 */
public final class LlamaDecoderLayer extends FixedShapeBlock {
    private final LlamaAttention selfAttn;
    private final SwiGluMlp mlp;
    private final RmsNorm inputLayerNorm;
    private final RmsNorm postAttentionLayerNorm;

    /**
     * Creates the layer.
     *
     * @param config the decoder config
     */
    public LlamaDecoderLayer(LlamaConfig config) {
        this.selfAttn = addChildBlock("self_attn", new LlamaAttention(config));
        this.mlp = addChildBlock(
                "mlp", new SwiGluMlp(config.hiddenSize(), config.intermediateSize(), config.mlpBias()));
        this.inputLayerNorm = addChildBlock("input_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
        this.postAttentionLayerNorm =
                addChildBlock("post_attention_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    }

    /** @return the attention sub-block */
    public LlamaAttention selfAttn() {
        return selfAttn;
    }

    /**
     * Applies the layer.
     *
     * @param store the parameter store
     * @param x (B, S, D)
     * @param rope the rotary embedding
     * @param cosSin [cos, sin] of the new positions
     * @param mask additive mask broadcastable to (B, 1, S, T)
     * @param cache the KV cache, if any
     * @param layer this layer's index
     * @param training whether this is a training pass
     * @return (B, S, D)
     */
    public NDArray forward(
            ParameterStore store,
            NDArray x,
            RotaryEmbedding rope,
            NDList cosSin,
            NDArray mask,
            Optional<KvCache> cache,
            int layer,
            boolean training) {
        NDArray h = x.add(selfAttn.forward(
                store, inputLayerNorm.forward(store, x, training), rope, cosSin, mask, cache, layer, training));
        return h.add(mlp.forward(store, postAttentionLayerNorm.forward(store, h, training), training));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(
                "LlamaDecoderLayer needs positions and a mask; call it through LlamaModel or LlamaForCausalLM");
    }
}
