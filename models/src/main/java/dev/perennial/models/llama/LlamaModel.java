package dev.perennial.models.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.CausalMask;
import dev.perennial.models.nn.Embedding;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.nn.RmsNorm;
import dev.perennial.models.nn.RotaryEmbedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** HF {@code LlamaModel}: {@code embed_tokens}, {@code layers}, {@code norm}. */
public final class LlamaModel extends FixedShapeBlock {
    private final LlamaConfig config;
    private final Embedding embedTokens;
    private final ModuleList<LlamaDecoderLayer> layers;
    private final RmsNorm norm;
    private final RotaryEmbedding rope;

    /**
     * Creates the decoder body.
     *
     * @param config the decoder config
     */
    public LlamaModel(LlamaConfig config) {
        this.config = config;
        this.embedTokens = addChildBlock("embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize()));
        List<LlamaDecoderLayer> list = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            list.add(new LlamaDecoderLayer(config));
        }
        this.layers = addChildBlock("layers", new ModuleList<>(list));
        this.norm = addChildBlock("norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
    }

    /** @return the token embedding */
    public Embedding embedTokens() {
        return embedTokens;
    }

    /** @return the decoder layers */
    public List<LlamaDecoderLayer> layers() {
        return layers.items();
    }

    /**
     * Embeds token ids (LLaVA embeds the text this way, then splices image features in).
     *
     * @param store the parameter store
     * @param ids (B, S) int64 ids
     * @param training whether this is a training pass
     * @return (B, S, D)
     */
    public NDArray embed(ParameterStore store, NDArray ids, boolean training) {
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("llama: input ids must be (batch, sequence), got " + ids.getShape());
        }
        return embedTokens.forward(store, ids, training);
    }

    /**
     * Runs the decoder on input embeddings.
     *
     * @param store the parameter store
     * @param inputsEmbeds (B, S, D)
     * @param attentionMask (B, cached + S) with 1 for real tokens and 0 for padding, if any (HF {@code attention_mask})
     * @param cache the KV cache to read and extend, if generating incrementally (positions continue after its length)
     * @param training whether this is a training pass
     * @return the final normed tokens and the hidden states (no logits)
     */
    public LlamaOutput forwardEmbeddings(
            ParameterStore store,
            NDArray inputsEmbeds,
            Optional<NDArray> attentionMask,
            Optional<KvCache> cache,
            boolean training) {
        Shape s = inputsEmbeds.getShape();
        if (s.dimension() != 3 || s.get(2) != config.hiddenSize() || s.get(1) == 0) {
            throw new IllegalArgumentException(
                    "llama: inputs_embeds must be (batch, sequence >= 1, " + config.hiddenSize() + "), got " + s);
        }
        if (cache.isPresent() && cache.get().layers() != config.numHiddenLayers()) {
            throw new IllegalArgumentException(
                    "llama: KV cache has " + cache.get().layers() + " layers, the model " + config.numHiddenLayers());
        }
        long offset = cache.map(KvCache::length).orElse(0L);
        long len = s.get(1);
        NDManager manager = inputsEmbeds.getManager();
        NDArray mask = CausalMask.causal(manager, len, offset).reshape(1, 1, len, offset + len);
        if (attentionMask.isPresent()) {
            Shape ms = attentionMask.get().getShape();
            if (ms.dimension() != 2 || ms.get(0) != s.get(0) || ms.get(1) != offset + len) {
                throw new IllegalArgumentException(
                        "llama: attention_mask must be (batch " + s.get(0) + ", cached + new = " + (offset + len)
                                + "), got " + ms);
            }
            mask = mask.add(CausalMask.padding(attentionMask.get()));
        }
        // The mask and the rotation tables are built in float32; a float16 model uses them in its own dtype.
        DataType type = inputsEmbeds.getDataType();
        mask = CausalMask.asType(mask, type);
        NDList cosSin = rope.cosSin(manager, offset, len);
        if (type != DataType.FLOAT32) {
            cosSin = new NDList(cosSin.get(0).toType(type, false), cosSin.get(1).toType(type, false));
        }
        NDArray h = inputsEmbeds;
        List<NDArray> hidden = new ArrayList<>();
        hidden.add(h);
        List<LlamaDecoderLayer> list = layers.items();
        for (int i = 0; i < list.size(); i++) {
            h = list.get(i).forward(store, h, rope, cosSin, mask, cache, i, training);
            hidden.add(h);
        }
        h = norm.forward(store, h, training);
        hidden.set(hidden.size() - 1, h);
        return new LlamaOutput(Optional.empty(), h, List.copyOf(hidden));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray embeds = embed(store, inputs.singletonOrThrow(), training);
        return new NDList(forwardEmbeddings(store, embeds, Optional.empty(), Optional.empty(), training)
                .lastHiddenState());
    }
}
