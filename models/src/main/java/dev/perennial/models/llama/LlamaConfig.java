package dev.perennial.models.llama;

import dev.perennial.models.io.HfConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /**
     * Reads a Hugging Face LLaMA {@code config.json} ({@code LlamaForCausalLM}, Vicuna, LLaMA-2), filling absent
     * fields with the defaults of HF's {@code LlamaConfig} (vocabulary 32000, width 4096, 32 layers, 32 heads,
     * {@code num_key_value_heads} = heads, RMSNorm ε 1e-6, θ 10000, no biases, untied head). A LLaVA config is read
     * through its {@code text_config}.
     *
     * @param path a {@code config.json}, or a directory holding one
     * @return the config
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and field for malformed or unsupported content
     *     ({@code rope_scaling}, an activation other than silu, another {@code model_type})
     */
    public static LlamaConfig fromHf(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        HfConfig root = HfConfig.read(file);
        try {
            if (root.has("text_config")) {
                return fromHf(root.object("text_config"));
            }
            String type = root.string("model_type", "llama");
            if (!type.equals("llama")) {
                throw new IllegalArgumentException("model_type is '" + type + "'; accepted: llama (or a llava "
                        + "config with text_config)");
            }
            return fromHf(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the LLaMA fields of a config object (the root of a LLaMA config, or a LLaVA {@code text_config}) with
     * HF's defaults.
     *
     * @param o the object
     * @return the config
     * @throws IllegalArgumentException naming the field for malformed or unsupported content
     */
    public static LlamaConfig fromHf(HfConfig o) {
        String act = o.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException(o.field("hidden_act") + " is '" + act + "'; LLaMA uses silu");
        }
        if (o.has("rope_scaling")) {
            throw new IllegalArgumentException(o.field("rope_scaling") + " is set; only plain RoPE is supported");
        }
        int heads = o.size("num_attention_heads", 32);
        return new LlamaConfig(
                o.size("vocab_size", 32000),
                o.size("hidden_size", 4096),
                o.size("intermediate_size", 11008),
                o.size("num_hidden_layers", 32),
                heads,
                o.size("num_key_value_heads", heads),
                (float) o.number("rms_norm_eps", 1e-6),
                o.number("rope_theta", 10000.0),
                o.bool("attention_bias", false),
                o.bool("mlp_bias", false),
                o.bool("tie_word_embeddings", false));
    }

    /**
     * The fields of this config in HF's {@code config.json} vocabulary ({@code LlamaConfig.to_dict} keys), for
     * writers.
     *
     * @return key → value, in a stable order
     */
    public Map<String, Object> toHf() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        o.put("attention_bias", attentionBias);
        o.put("mlp_bias", mlpBias);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("hidden_act", "silu");
        return o;
    }

    /** @return per-head width */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
