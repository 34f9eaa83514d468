package dev.perennial.models.llama;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.InsufficientMemoryException;
import dev.perennial.models.io.MemoryBudget;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import java.util.Optional;

/**
 * The LLaMA decoder (Touvron et al. 2023) with Hugging Face {@code LlamaForCausalLM} parameter names
 * ({@code model.embed_tokens.weight}, {@code model.layers.N.self_attn.q_proj.weight}, {@code …k_proj}, {@code …v_proj},
 * {@code …o_proj}, {@code model.layers.N.mlp.gate_proj.weight}, {@code …up_proj}, {@code …down_proj},
 * {@code model.layers.N.input_layernorm.weight}, {@code …post_attention_layernorm.weight}, {@code model.norm.weight},
 * {@code lm_head.weight}): RMSNorm, RoPE with configurable θ, SwiGLU, grouped-query attention, a causal mask built
 * from arange comparisons, and a {@link KvCache} for incremental decoding.
 *
 * <p>The DJL entry point maps token ids (B, S) to logits (B, S, vocab). LLaVA-style callers embed the text with
 * {@link #embed}, splice image features into the sequence and call {@link #forwardEmbeddings}.
 */
public final class LlamaForCausalLM extends FixedShapeBlock {
    private final LlamaConfig config;
    private final LlamaModel model;
    private final Linear lmHead;

    /**
     * Builds the decoder (random initialisation; load a checkpoint over it).
     *
     * @param config the decoder config
     */
    public LlamaForCausalLM(LlamaConfig config) {
        this.config = config;
        this.model = addChildBlock("model", new LlamaModel(config));
        this.lmHead = config.tieWordEmbeddings()
                ? null
                : addChildBlock("lm_head", new Linear(config.hiddenSize(), config.vocabSize(), false));
    }

    /** @return the config */
    public LlamaConfig config() {
        return config;
    }

    /** @return the decoder body ({@code model}) */
    public LlamaModel model() {
        return model;
    }

    /** @return the output projection, absent when tied to the embedding */
    public Optional<Linear> lmHead() {
        return Optional.ofNullable(lmHead);
    }

    /**
     * Embeds token ids.
     *
     * @param store the parameter store
     * @param ids (B, S) int64
     * @param training whether this is a training pass
     * @return (B, S, D)
     */
    public NDArray embed(ParameterStore store, NDArray ids, boolean training) {
        return model.embed(store, ids, training);
    }

    /**
     * Embeds token ids with the embedding table, the result belonging to the ids' manager ({@link #embed} goes through
     * the table block, whose output DJL attaches to the parameters' manager: fine for one pass, a leak per step in a
     * decoding loop).
     *
     * @param store the parameter store
     * @param ids int64 ids of any shape, each in [0, vocab)
     * @param training whether this is a training pass
     * @return ids' shape + (D)
     */
    public NDArray embedTokens(ParameterStore store, NDArray ids, boolean training) {
        NDArray w = store.getValue(model.embedTokens().weight(), ids.getDevice(), training);
        Shape shape = ids.getShape().addAll(new Shape(config.hiddenSize()));
        return ai.djl.nn.core.Embedding.embedding(ids.flatten().toType(DataType.INT64, false), w,
                        ai.djl.ndarray.types.SparseFormat.DENSE)
                .singletonOrThrow()
                .reshape(shape);
    }

    /**
     * Loads a Hugging Face LLaMA directory ({@code config.json} read by {@link LlamaConfig#fromHf(Path)}, and
     * {@code model.safetensors} or shards with {@code model.safetensors.index.json}, as {@code
     * LlamaForCausalLM.save_pretrained} writes them). Every parameter must be present with its shape (strict); old
     * checkpoints' {@code rotary_emb.inv_freq} buffers are skipped. BF16/F16 tensors are converted to
     * {@code dataType}.
     *
     * <pre>{@code
     * LlamaForCausalLM lm = LlamaForCausalLM.load(Path.of("vicuna-7b-v1.5"), manager, DataType.FLOAT16);
     * }</pre>
     *
     * @param dir the directory
     * @param manager where the parameters live (its device)
     * @param dataType the parameters' type (float32, or float16 on a GPU)
     * @return the initialised model with the checkpoint's weights
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming the file and field for a malformed config
     * @throws dev.perennial.models.io.WeightLoadException if tensors are missing, unexpected or mis-shaped
     */
    public static LlamaForCausalLM load(Path dir, NDManager manager, DataType dataType) throws IOException {
        return load(dir, manager, dataType, OptionalLong.empty());
    }

    /**
     * {@link #load(Path, NDManager, DataType)} with a memory budget: the parameters' bytes, computed from the
     * config's shapes, are checked against it (on the CPU without a budget: against the physical memory available)
     * before anything is allocated or read.
     *
     * @param dir the directory
     * @param manager where the parameters live
     * @param dataType the parameters' type
     * @param memoryBudgetBytes the most bytes the parameters may take; empty for the default
     * @return the initialised model with the checkpoint's weights
     * @throws IOException if a file cannot be read
     * @throws InsufficientMemoryException if the parameters do not fit, before anything is allocated
     */
    public static LlamaForCausalLM load(Path dir, NDManager manager, DataType dataType, OptionalLong memoryBudgetBytes)
            throws IOException {
        LlamaForCausalLM model = new LlamaForCausalLM(LlamaConfig.fromHf(dir));
        long parameters = 0;
        for (ai.djl.nn.Parameter p : dev.perennial.models.ParameterNames.of(model).values()) {
            parameters += p.getShape() == null ? 0 : p.getShape().size();
        }
        long bytes = parameters * dataType.getNumOfBytes();
        OptionalLong budget = MemoryBudget.effective(memoryBudgetBytes, manager.getDevice());
        if (budget.isPresent() && bytes > budget.getAsLong()) {
            throw new InsufficientMemoryException(dir + " (" + parameters + " parameters in "
                    + dataType.toString().toLowerCase(java.util.Locale.ROOT) + ")", bytes, budget.getAsLong(),
                    "load it on a GPU in float16 (about " + parameters * 2 + " bytes) or use a smaller model");
        }
        model.initialize(manager, dataType);
        try (TensorSource source = Checkpoints.open(dir)) {
            WeightLoader.strict().ignoring("(^|\\.)rotary_emb\\.inv_freq$").load(source, model);
        }
        return model;
    }

    /**
     * Logits for token ids.
     *
     * @param store the parameter store
     * @param ids (B, S) int64
     * @param attentionMask (B, cached + S) 1/0 padding mask, if any
     * @param cache KV cache for incremental decoding, if any
     * @param training whether this is a training pass
     * @return logits, final tokens and hidden states
     */
    public LlamaOutput forward(
            ParameterStore store,
            NDArray ids,
            Optional<NDArray> attentionMask,
            Optional<KvCache> cache,
            boolean training) {
        return forwardEmbeddings(store, embed(store, ids, training), attentionMask, cache, training);
    }

    /**
     * Logits for input embeddings (HF {@code inputs_embeds}).
     *
     * @param store the parameter store
     * @param inputsEmbeds (B, S, D)
     * @param attentionMask (B, cached + S) 1/0 padding mask, if any
     * @param cache KV cache for incremental decoding, if any
     * @param training whether this is a training pass
     * @return logits, final tokens and hidden states
     */
    public LlamaOutput forwardEmbeddings(
            ParameterStore store,
            NDArray inputsEmbeds,
            Optional<NDArray> attentionMask,
            Optional<KvCache> cache,
            boolean training) {
        LlamaOutput out = model.forwardEmbeddings(store, inputsEmbeds, attentionMask, cache, training);
        NDArray h = out.lastHiddenState();
        NDArray logits = lmHead != null
                ? lmHead.forward(store, h, training)
                : ai.djl.nn.core.Linear.linear(h, value(store, model.embedTokens().weight(), h, training))
                        .singletonOrThrow();
        return new LlamaOutput(Optional.of(logits), h, out.hiddenStates());
    }

    /**
     * A new, empty KV cache sized for this model.
     *
     * @param parent the manager the cache opens its sub-manager under
     * @return the cache
     */
    public KvCache newCache(ai.djl.ndarray.NDManager parent) {
        return new KvCache(parent, config.numHiddenLayers());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), Optional.empty(), Optional.empty(), training)
                .logits()
                .orElseThrow());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), config.vocabSize())};
    }
}
