package dev.perennial.continual.llaca;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.spi.ConfigDoc;

import java.util.List;

/**
 * The LLaVA model a continual-VQA learner tunes: a LLaVA-1.5 checkpoint directory, or a tiny LLaVA of the same
 * code built from scratch with a word-level vocabulary (the Mini-CoIN main job), plus the LoRA recipe.
 *
 * @param checkpoint a LLaVA-1.5 checkpoint directory (llava-hf layout: config.json, *.safetensors,
 *                   tokenizer.json); empty builds the tiny model below
 * @param tokenizer tiny model only: {@code mini-coin} (Mini-CoIN's generated vocabulary) or the path of a
 *                  word-level {@code tokenizer.json} with ids 0-3 = unk, s, /s, image
 * @param hiddenSize tiny decoder width
 * @param intermediateSize tiny decoder MLP width
 * @param layers tiny decoder layers
 * @param heads tiny decoder attention heads
 * @param visionImageSize tiny vision tower input side (images are resized to it)
 * @param visionPatchSize tiny vision tower patch side
 * @param visionHiddenSize tiny vision tower width
 * @param visionLayers tiny vision tower layers (the penultimate one feeds the projector)
 * @param loraRank LoRA rank r
 * @param loraAlpha LoRA α
 * @param loraDropout LoRA dropout
 * @param loraTargets decoder module names that get LoRA
 * @param projectorLearningRateScale projector learning rate / LoRA learning rate (CoIN: 2e-5 / 2e-4 = 0.1)
 * @param fullTuneTasks the first N tasks train every weight of the model (training a tiny model from scratch on
 *                      a base mix) and take no EMA; LoRA is injected when task N begins
 * @param systemPrompt the Vicuna v1 system prompt, or another (empty shortens tiny-model sequences)
 * @param maxNewTokens the most tokens generated per answer (greedy, as CoIN evaluates)
 * @param loraAdapter a PEFT adapter directory ({@code adapter_config.json}, {@code adapter_model.safetensors}, as
 *                    {@code perennial export --format peft} or PEFT writes it) loaded onto the model before the
 *                    first task: its r, α, dropout and targets replace {@code lora*}; empty for none
 */
public record LlavaModelConfig(
        @ConfigDoc("LLaVA-1.5 checkpoint directory (config.json, *.safetensors, tokenizer.json); empty = the tiny"
                + " model built from scratch.") @JsonProperty("checkpoint") String checkpoint,
        @ConfigDoc("Tiny model: 'mini-coin' or the path of a word-level tokenizer.json (ids 0-3 unk, s, /s, image).")
        @JsonProperty("tokenizer") String tokenizer,
        @ConfigDoc("Tiny decoder width.") @JsonProperty("hiddenSize") int hiddenSize,
        @ConfigDoc("Tiny decoder MLP width.") @JsonProperty("intermediateSize") int intermediateSize,
        @ConfigDoc("Tiny decoder layers.") @JsonProperty("layers") int layers,
        @ConfigDoc("Tiny decoder heads (divides hiddenSize).") @JsonProperty("heads") int heads,
        @ConfigDoc("Tiny vision input side (multiple of visionPatchSize).") @JsonProperty("visionImageSize") int visionImageSize,
        @ConfigDoc("Tiny vision patch side.") @JsonProperty("visionPatchSize") int visionPatchSize,
        @ConfigDoc("Tiny vision width.") @JsonProperty("visionHiddenSize") int visionHiddenSize,
        @ConfigDoc("Tiny vision layers, >= 2.") @JsonProperty("visionLayers") int visionLayers,
        @ConfigDoc("LoRA rank r (CoIN: 128).") @JsonProperty("loraRank") int loraRank,
        @ConfigDoc("LoRA alpha (CoIN: 256).") @JsonProperty("loraAlpha") float loraAlpha,
        @ConfigDoc("LoRA dropout (CoIN: 0.05).") @JsonProperty("loraDropout") float loraDropout,
        @ConfigDoc("Decoder modules with LoRA (CoIN: q,k,v,o,gate,up,down projections).")
        @JsonProperty("loraTargets") List<String> loraTargets,
        @ConfigDoc("Projector learning rate / LoRA learning rate (CoIN: 0.1).")
        @JsonProperty("projectorLearningRateScale") double projectorLearningRateScale,
        @ConfigDoc("First N tasks train the whole model (base training from scratch), no EMA; LoRA from task N.")
        @JsonProperty("fullTuneTasks") int fullTuneTasks,
        @ConfigDoc("System prompt of the Vicuna v1 template (default: LLaVA-1.5's); empty shortens tiny-model sequences.") @JsonProperty("systemPrompt") String systemPrompt,
        @ConfigDoc("Most generated tokens per answer (greedy).") @JsonProperty("maxNewTokens") int maxNewTokens,
        @ConfigDoc("PEFT adapter directory (adapter_config.json, adapter_model.safetensors) loaded onto the model "
                + "before the first task; its r, alpha, dropout and targets replace lora*. Empty = none.")
        @JsonProperty("loraAdapter") String loraAdapter) {

    /** The decoder modules CoIN adapts. */
    public static final List<String> COIN_TARGETS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** Validates, naming the field. */
    public LlavaModelConfig {
        loraTargets = loraTargets == null || loraTargets.isEmpty() ? COIN_TARGETS : List.copyOf(loraTargets);
        tokenizer = tokenizer == null ? "mini-coin" : tokenizer;
        checkpoint = checkpoint == null ? "" : checkpoint;
        loraAdapter = loraAdapter == null ? "" : loraAdapter;
        require(loraAdapter.isEmpty() || fullTuneTasks == 0, "loraAdapter needs fullTuneTasks 0 (the adapter is "
                + "trained from the first task), was " + fullTuneTasks);
        systemPrompt = systemPrompt == null ? ConversationTemplate.VICUNA_SYSTEM : systemPrompt;
        require(loraRank >= 1, "loraRank must be >= 1, was " + loraRank);
        require(loraAlpha > 0, "loraAlpha must be > 0, was " + loraAlpha);
        require(loraDropout >= 0 && loraDropout < 1, "loraDropout must be in [0, 1), was " + loraDropout);
        require(projectorLearningRateScale >= 0, "projectorLearningRateScale must be >= 0");
        require(fullTuneTasks >= 0, "fullTuneTasks must be >= 0, was " + fullTuneTasks);
        require(maxNewTokens >= 1, "maxNewTokens must be >= 1, was " + maxNewTokens);
        if (checkpoint.isEmpty()) {
            require(hiddenSize > 0 && heads > 0 && hiddenSize % heads == 0,
                    "hiddenSize (" + hiddenSize + ") must be a positive multiple of heads (" + heads + ")");
            require(intermediateSize > 0 && layers > 0, "intermediateSize and layers must be > 0");
            require(visionPatchSize > 0 && visionImageSize % visionPatchSize == 0 && visionImageSize > 0,
                    "visionImageSize (" + visionImageSize + ") must be a positive multiple of visionPatchSize ("
                            + visionPatchSize + ")");
            require(visionHiddenSize > 0 && visionHiddenSize % 2 == 0, "visionHiddenSize must be even and > 0");
            require(visionLayers >= 2, "visionLayers must be >= 2 (LLaVA reads the penultimate layer)");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("llava model config: " + message);
        }
    }

    /**
     * Defaults: the tiny model (decoder 64 wide, 2 layers, 4 heads; vision 32 px, patch 8, 32 wide, 2 layers) on
     * Mini-CoIN's vocabulary, CoIN's LoRA recipe (r 128, α 256, dropout 0.05, all decoder linears), projector at
     * 0.1× the learning rate, no full-tune tasks, LLaVA's system prompt, 16 new tokens.
     *
     * @return the defaults
     */
    public static LlavaModelConfig defaults() {
        return new LlavaModelConfig("", "mini-coin", 64, 128, 2, 4, 32, 8, 32, 2, 128, 256f, 0.05f, COIN_TARGETS,
                0.1, 0, ConversationTemplate.VICUNA_SYSTEM, 16, "");
    }
}
