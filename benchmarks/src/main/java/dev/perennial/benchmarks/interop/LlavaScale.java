package dev.perennial.benchmarks.interop;

import dev.perennial.llava.LlavaConfig;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The LLaVA shapes of {@link LlavaScaleBenchmark}, from a toy to LLaVA-1.5-7B's widths with 2 layers per tower.
 *
 * <p>Every shape calls the image token 3, the id {@code WordLevelTokenizerFile} gives {@code <image>} (llava-hf uses
 * 32000, a row of the 32064-row table: the id changes no shape and no cost).
 */
public enum LlavaScale {
    /** Decoder 64 wide, 2 layers, vocabulary 512; CLIP 32 px, patch 8 (16 image tokens), 32 wide, 2 layers. */
    TINY("tiny", LlavaConfig.of(LlamaConfig.of(512, 64, 172, 2, 4, 4, 1e-5f, 10000.0),
            new ClipVisionConfig(32, 8, 3, 32, 64, 2, 2, 1e-5f, ActivationFunction.QUICK_GELU), 3)),
    /**
     * Decoder 512 wide, 4 layers, vocabulary 32064; CLIP at 336 px, patch 14 (576 image tokens, as LLaVA-1.5), 256
     * wide, 2 layers.
     */
    SMALL("small", LlavaConfig.of(LlamaConfig.of(32064, 512, 1376, 4, 8, 8, 1e-5f, 10000.0),
            new ClipVisionConfig(336, 14, 3, 256, 1024, 2, 4, 1e-5f, ActivationFunction.QUICK_GELU), 3)),
    /**
     * {@link LlavaConfig#llava15x7b()} (Vicuna-7B: 4096 wide, MLP 11008, 32 heads, vocabulary 32064; CLIP
     * ViT-L/14-336: 1024 wide, MLP 4096, 16 heads, 576 image tokens; projector 1024 → 4096 → 4096) with 2 decoder and
     * 2 tower layers.
     */
    SEVEN_B_2_LAYERS("7b-2layers", twoLayers(LlavaConfig.llava15x7b()));

    private final String label;
    private final LlavaConfig config;

    LlavaScale(String label, LlavaConfig config) {
        this.label = label;
        this.config = config;
    }

    /** @return the name used on the command line and in the results */
    public String label() {
        return label;
    }

    /** @return the model's shape */
    public LlavaConfig config() {
        return config;
    }

    /**
     * The shape for a command-line name.
     *
     * @param label {@code tiny}, {@code small} or {@code 7b-2layers}
     * @return the shape
     * @throws IllegalArgumentException naming the accepted names
     */
    public static LlavaScale of(String label) {
        for (LlavaScale s : values()) {
            if (s.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("llava scale: unknown configuration '" + label + "'; accepted: "
                + Arrays.stream(values()).map(LlavaScale::label).collect(Collectors.joining(", ")));
    }

    private static LlavaConfig twoLayers(LlavaConfig c) {
        LlamaConfig t = c.text();
        ClipVisionConfig v = c.vision();
        LlamaConfig text = new LlamaConfig(t.vocabSize(), t.hiddenSize(), t.intermediateSize(), 2,
                t.numAttentionHeads(), t.numKeyValueHeads(), t.rmsNormEps(), t.ropeTheta(), t.attentionBias(),
                t.mlpBias(), t.tieWordEmbeddings());
        ClipVisionConfig vision = new ClipVisionConfig(v.imageSize(), v.patchSize(), v.numChannels(), v.hiddenSize(),
                v.intermediateSize(), 2, v.numAttentionHeads(), v.layerNormEps(), v.hiddenAct());
        return new LlavaConfig(text, vision, 3, c.visionFeatureLayer(), c.featureSelect(), c.projectorHiddenAct(),
                c.projectorBias(), c.bosTokenId(), c.eosTokenId(), c.padTokenId());
    }
}
