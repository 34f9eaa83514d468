package dev.perennial.models.llama;

/**
 * The fields of a Hugging Face {@code LlamaConfig} that fix the decoder's shape (Touvron et al. 2023).
 *
 * @param vocabSize vocabulary size
 * @param hiddenSize model width D
 * @param intermediateSize SwiGLU hidden width
 * @param numHiddenLayers decoder layers
 * @param numAttentionHeads query heads (must divide D)
 * @param numKeyValueHeads key/value heads for grouped-query attention (must divide the query heads; equal for MHA)
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta RoPE base θ
 * @param attentionBias whether q/k/v/o projections have biases (HF {@code attention_bias})
 * @param mlpBias whether the MLP projections have biases (HF {@code mlp_bias})
 * @param tieWordEmbeddings whether {@code lm_head} reuses {@code embed_tokens.weight} (then there is no
 *     {@code lm_head.weight} parameter)
 */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        float rmsNormEps,
        double ropeTheta,
        boolean attentionBias,
        boolean mlpBias,
        boolean tieWordEmbeddings) {

    /** Validates the fields; messages use the HF config keys. */
    public LlamaConfig {
        require(vocabSize > 0, "llama: vocab_size must be positive, got " + vocabSize);
        require(hiddenSize > 0 && numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
                "llama: hidden_size (" + hiddenSize + ") must be a positive multiple of num_attention_heads ("
                        + numAttentionHeads + ")");
        require((hiddenSize / Math.max(numAttentionHeads, 1)) % 2 == 0,
                "llama: head dimension hidden_size/num_attention_heads must be even for RoPE, got "
                        + hiddenSize / Math.max(numAttentionHeads, 1));
        require(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
                "llama: num_key_value_heads (" + numKeyValueHeads + ") must divide num_attention_heads ("
                        + numAttentionHeads + ")");
        require(intermediateSize > 0, "llama: intermediate_size must be positive, got " + intermediateSize);
        require(numHiddenLayers > 0, "llama: num_hidden_layers must be positive, got " + numHiddenLayers);
        require(rmsNormEps > 0, "llama: rms_norm_eps must be positive, got " + rmsNormEps);
        require(ropeTheta > 1, "llama: rope_theta must be > 1, got " + ropeTheta);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * A LLaMA config with HF defaults for the rest (no biases, untied head).
     *
     * @param vocabSize vocabulary
     * @param hiddenSize D
     * @param intermediateSize MLP width
     * @param layers layers
     * @param heads query heads
     * @param kvHeads key/value heads
     * @param rmsNormEps RMSNorm epsilon
     * @param ropeTheta RoPE θ
     * @return the config
     */
    public static LlamaConfig of(int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
            int kvHeads, float rmsNormEps, double ropeTheta) {
        return new LlamaConfig(vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, rmsNormEps, ropeTheta,
                false, false, false);
    }

    /**
     * LLaMA-2-7B / Vicuna-7B v1.5, the LLM of LLaVA-1.5-7B.
     *
     * @return the config
     */
    public static LlamaConfig llama2x7b() {
        return of(32000, 4096, 11008, 32, 32, 32, 1e-5f, 10000.0);
    }

    /** @return per-head width */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
