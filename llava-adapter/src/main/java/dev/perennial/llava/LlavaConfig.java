package dev.perennial.llava;

import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;

/**
 * The shape of a LLaVA-1.5 model (Liu et al. 2023, "Improved Baselines with Visual Instruction Tuning"): a CLIP
 * vision tower, a 2-layer MLP projector and a LLaMA decoder, with Hugging Face's {@code LlavaConfig} vocabulary.
 *
 * @param text the decoder ({@code text_config})
 * @param vision the vision tower ({@code vision_config})
 * @param imageTokenIndex the id that marks where an image goes ({@code image_token_index}; 32000 in llava-hf,
 *     the out-of-vocabulary −200 in the original code)
 * @param visionFeatureLayer the CLIP hidden state used, Python-style index into the L + 1 hidden states
 *     ({@code vision_feature_layer}, −2 = the penultimate layer's output)
 * @param featureSelect which tokens of that hidden state are kept ({@code vision_feature_select_strategy})
 * @param projectorHiddenAct the projector's activation ({@code projector_hidden_act}, GELU for {@code mlp2x_gelu})
 * @param projectorBias whether the projector's linear layers have biases ({@code multimodal_projector_bias})
 * @param bosTokenId beginning-of-sequence id ({@code text_config.bos_token_id})
 * @param eosTokenId end-of-sequence id ({@code text_config.eos_token_id}); answers end here
 * @param padTokenId the id used for padding ({@code pad_token_id}); its positions are masked, so any valid id works
 */
public record LlavaConfig(
        LlamaConfig text,
        ClipVisionConfig vision,
        long imageTokenIndex,
        int visionFeatureLayer,
        FeatureSelect featureSelect,
        ActivationFunction projectorHiddenAct,
        boolean projectorBias,
        long bosTokenId,
        long eosTokenId,
        long padTokenId) {

    /** Validates the fields; messages use the HF config keys. */
    public LlavaConfig {
        if (text == null || vision == null) {
            throw new IllegalArgumentException("llava: text_config and vision_config are required");
        }
        int states = vision.numHiddenLayers() + 1;
        if (visionFeatureLayer < -states || visionFeatureLayer >= states) {
            throw new IllegalArgumentException("llava: vision_feature_layer " + visionFeatureLayer + " is outside the "
                    + states + " hidden states of the vision tower; accepted: " + (-states) + ".." + (states - 1));
        }
        if (featureSelect == null || projectorHiddenAct == null) {
            throw new IllegalArgumentException(
                    "llava: vision_feature_select_strategy and projector_hidden_act are required");
        }
        for (long[] id : new long[][] {{bosTokenId, 0}, {eosTokenId, 1}, {padTokenId, 2}}) {
            if (id[0] < 0 || id[0] >= text.vocabSize()) {
                String field = new String[] {"bos_token_id", "eos_token_id", "pad_token_id"}[(int) id[1]];
                throw new IllegalArgumentException("llava: " + field + " " + id[0] + " is outside the vocabulary [0, "
                        + text.vocabSize() + ")");
            }
        }
    }

    /**
     * LLaVA-1.5 defaults around a decoder and a tower: image token 32000 if it fits the vocabulary (llava-hf),
     * penultimate layer, patches only, GELU projector with biases, ids 1 / 2 / 0 for BOS / EOS / pad.
     *
     * @param text decoder
     * @param vision tower
     * @param imageTokenIndex the image token's id
     * @return the config
     */
    public static LlavaConfig of(LlamaConfig text, ClipVisionConfig vision, long imageTokenIndex) {
        return new LlavaConfig(text, vision, imageTokenIndex, -2, FeatureSelect.DEFAULT, ActivationFunction.GELU, true,
                1, 2, 0);
    }

    /**
     * LLaVA-1.5-7B as {@code llava-hf/llava-1.5-7b-hf} ships it: Vicuna-7B v1.5 with vocabulary 32064, CLIP
     * ViT-L/14-336, image token 32000, pad token 32001.
     *
     * @return the config
     */
    public static LlavaConfig llava15x7b() {
        LlamaConfig base = LlamaConfig.llama2x7b();
        LlamaConfig text = new LlamaConfig(32064, base.hiddenSize(), base.intermediateSize(), base.numHiddenLayers(),
                base.numAttentionHeads(), base.numKeyValueHeads(), base.rmsNormEps(), base.ropeTheta(),
                false, false, false);
        return new LlavaConfig(text, ClipVisionConfig.vitLarge14At336(), 32000, -2, FeatureSelect.DEFAULT,
                ActivationFunction.GELU, true, 1, 2, 32001);
    }

    /** @return image features per image: patches, plus one for the class token with {@link FeatureSelect#FULL} */
    public int imageFeatureTokens() {
        int patches = vision.gridSize() * vision.gridSize();
        return featureSelect == FeatureSelect.FULL ? patches + 1 : patches;
    }

    /**
     * Whether the image token is a real vocabulary entry (llava-hf) rather than a placeholder outside it (original
     * LLaVA's −200).
     *
     * @return true if {@code 0 ≤ imageTokenIndex < vocab_size}
     */
    public boolean imageTokenInVocabulary() {
        return imageTokenIndex >= 0 && imageTokenIndex < text.vocabSize();
    }
}
