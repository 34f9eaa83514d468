package dev.perennial.llava;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads and writes a LLaVA {@code config.json} in the llava-hf or the original layout, filling absent fields with
 * the Hugging Face defaults of {@code LlamaConfig} and {@code CLIPVisionConfig} (llava-hf configs omit most of them).
 *
 * <p>The original layout names its vision tower ({@code mm_vision_tower}) instead of describing it; the two
 * OpenAI towers LLaVA uses ({@code openai/clip-vit-large-patch14-336} and {@code …-patch14}) are known. For any
 * other tower the file must carry a {@code vision_config} object (Perennial writes one for its own checkpoints) or
 * the caller passes the tower's own {@code config.json}.
 */
public final class LlavaConfigFile {
    /** The placeholder id of an image in the original LLaVA code ({@code IMAGE_TOKEN_INDEX}). */
    public static final long ORIGINAL_IMAGE_TOKEN_INDEX = -200;

    /**
     * A parsed config and the layout its file uses.
     *
     * @param config the model shape
     * @param layout the layout
     */
    public record Parsed(LlavaConfig config, CheckpointLayout layout) {}

    private LlavaConfigFile() {}

    /**
     * Reads a config file.
     *
     * @param file the {@code config.json}
     * @param visionTowerConfig the vision tower's own {@code config.json}, for original-layout files naming an
     *     unknown tower
     * @return the config and layout (for llava-hf files {@link CheckpointLayout#LLAVA_HF}; the tensor names decide
     *     between the two llava-hf layouts)
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and field for malformed or unsupported content
     */
    public static Parsed read(Path file, Optional<Path> visionTowerConfig) throws IOException {
        JsonObject root = parseObject(file);
        try {
            if (root.has("text_config") || "llava".equals(string(root, "model_type", ""))) {
                return new Parsed(parseHf(root, file), CheckpointLayout.LLAVA_HF);
            }
            if (root.has("mm_vision_tower") || root.has("mm_projector_type") || root.has("mm_hidden_size")) {
                return new Parsed(parseOriginal(root, file, visionTowerConfig), CheckpointLayout.ORIGINAL);
            }
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(file + ": not a LLaVA config; expected llava-hf fields (text_config, "
                + "vision_config, image_token_index) or original LLaVA fields (mm_vision_tower, mm_projector_type)");
    }

    private static JsonObject parseObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist; a LLaVA checkpoint directory needs config.json");
        }
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(file + ": expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    private static LlavaConfig parseHf(JsonObject root, Path file) {
        JsonObject text = object(root, "text_config");
        JsonObject vision = object(root, "vision_config");
        LlamaConfig llama = llama(text, "text_config.");
        ClipVisionConfig clip = clip(vision, "vision_config.");
        String projectorType = string(root, "projector_hidden_act", "gelu");
        long imageToken = integer(root, "image_token_index", 32000);
        LlavaConfig config = new LlavaConfig(llama, clip, imageToken,
                (int) integer(root, "vision_feature_layer", -2),
                FeatureSelect.parse(string(root, "vision_feature_select_strategy", "default"),
                        "vision_feature_select_strategy"),
                activation(projectorType, "projector_hidden_act"),
                bool(root, "multimodal_projector_bias", true),
                integer(text, "bos_token_id", 1), integer(text, "eos_token_id", 2),
                padId(root, text, llama.vocabSize()));
        // transformers >= 4.47 processors repeat the image token image_seq_length times; the run must be exactly
        // one image's features, or the model could not tell where one image ends.
        long seqLength = integer(root, "image_seq_length", config.imageFeatureTokens());
        if (seqLength != config.imageFeatureTokens()) {
            throw new IllegalArgumentException("image_seq_length is " + seqLength + " but the vision tower gives "
                    + config.imageFeatureTokens() + " features per image (image_size / patch_size squared"
                    + (config.featureSelect() == FeatureSelect.FULL ? " plus the class token" : "")
                    + "); accepted: " + config.imageFeatureTokens());
        }
        return config;
    }

    private static long padId(JsonObject root, JsonObject text, int vocab) {
        long pad = integer(root, "pad_token_id", integer(text, "pad_token_id", 0));
        return pad >= 0 && pad < vocab ? pad : 0;
    }

    private static LlavaConfig parseOriginal(JsonObject root, Path file, Optional<Path> towerConfig)
            throws IOException {
        LlamaConfig llama = llama(root, "");
        String projector = string(root, "mm_projector_type", "linear");
        if (!projector.equals("mlp2x_gelu")) {
            throw new IllegalArgumentException("mm_projector_type is '" + projector + "'; accepted: mlp2x_gelu "
                    + "(LLaVA-1.5)");
        }
        ClipVisionConfig clip;
        if (root.has("vision_config")) {
            clip = clip(object(root, "vision_config"), "vision_config.");
        } else if (towerConfig.isPresent()) {
            JsonObject tower = parseObject(towerConfig.get());
            clip = clip(tower.has("vision_config") ? object(tower, "vision_config") : tower, "vision tower config ");
        } else {
            String tower = string(root, "mm_vision_tower", "");
            if (tower.endsWith("clip-vit-large-patch14-336")) {
                clip = ClipVisionConfig.vitLarge14At336();
            } else if (tower.endsWith("clip-vit-large-patch14")) {
                clip = new ClipVisionConfig(224, 14, 3, 1024, 4096, 24, 16, 1e-5f, ActivationFunction.QUICK_GELU);
            } else {
                throw new IllegalArgumentException("mm_vision_tower '" + tower + "' is not a known tower (known: "
                        + "openai/clip-vit-large-patch14-336, openai/clip-vit-large-patch14); pass the tower's "
                        + "config.json or add a vision_config object");
            }
        }
        if (root.has("mm_hidden_size") && integer(root, "mm_hidden_size", 0) != clip.hiddenSize()) {
            throw new IllegalArgumentException("mm_hidden_size " + integer(root, "mm_hidden_size", 0)
                    + " differs from the vision tower's hidden_size " + clip.hiddenSize());
        }
        if (bool(root, "mm_use_im_start_end", false)) {
            throw new IllegalArgumentException("mm_use_im_start_end is true; only LLaVA-1.5's plain <image> token "
                    + "(false) is supported");
        }
        return new LlavaConfig(llama, clip, ORIGINAL_IMAGE_TOKEN_INDEX,
                (int) integer(root, "mm_vision_select_layer", -2),
                FeatureSelect.parse(string(root, "mm_vision_select_feature", "patch"), "mm_vision_select_feature"),
                ActivationFunction.GELU, true,
                integer(root, "bos_token_id", 1), integer(root, "eos_token_id", 2),
                padId(root, root, llama.vocabSize()));
    }

    private static LlamaConfig llama(JsonObject o, String prefix) {
        String act = string(o, "hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException(prefix + "hidden_act is '" + act + "'; LLaMA uses silu");
        }
        if (o.has("rope_scaling") && !o.get("rope_scaling").isJsonNull()) {
            throw new IllegalArgumentException(prefix + "rope_scaling is set; only plain RoPE is supported");
        }
        int heads = (int) integer(o, "num_attention_heads", 32);
        return new LlamaConfig(
                (int) integer(o, "vocab_size", 32000),
                (int) integer(o, "hidden_size", 4096),
                (int) integer(o, "intermediate_size", 11008),
                (int) integer(o, "num_hidden_layers", 32),
                heads,
                (int) integer(o, "num_key_value_heads", heads),
                (float) number(o, "rms_norm_eps", 1e-6),
                number(o, "rope_theta", 10000.0),
                bool(o, "attention_bias", false),
                bool(o, "mlp_bias", false),
                bool(o, "tie_word_embeddings", false));
    }

    private static ClipVisionConfig clip(JsonObject o, String prefix) {
        return new ClipVisionConfig(
                (int) integer(o, "image_size", 224),
                (int) integer(o, "patch_size", 32),
                (int) integer(o, "num_channels", 3),
                (int) integer(o, "hidden_size", 768),
                (int) integer(o, "intermediate_size", 3072),
                (int) integer(o, "num_hidden_layers", 12),
                (int) integer(o, "num_attention_heads", 12),
                (float) number(o, "layer_norm_eps", 1e-5),
                activation(string(o, "hidden_act", "quick_gelu"), prefix + "hidden_act"));
    }

    private static ActivationFunction activation(String name, String field) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "gelu" -> ActivationFunction.GELU;
            case "quick_gelu" -> ActivationFunction.QUICK_GELU;
            case "relu" -> ActivationFunction.RELU;
            case "silu", "swish" -> ActivationFunction.SILU;
            default -> throw new IllegalArgumentException(
                    field + " is '" + name + "'; accepted: gelu, quick_gelu, relu, silu");
        };
    }

    /**
     * Writes a config in a layout; the original layout gets a {@code vision_config} object beside its {@code mm_*}
     * fields so that it can be read back without the tower's own file.
     *
     * @param config the model shape
     * @param layout the layout
     * @param file the file to write
     * @throws IOException if it cannot be written
     */
    public static void write(LlavaConfig config, CheckpointLayout layout, Path file) throws IOException {
        JsonObject root = new JsonObject();
        JsonObject vision = clipJson(config.vision());
        if (layout == CheckpointLayout.ORIGINAL) {
            root.addProperty("model_type", "llava_llama");
            root.add("architectures", array("LlavaLlamaForCausalLM"));
            llamaJson(config, root);
            root.addProperty("mm_projector_type", "mlp2x_gelu");
            root.addProperty("mm_hidden_size", config.vision().hiddenSize());
            root.addProperty("mm_vision_select_layer", config.visionFeatureLayer());
            root.addProperty("mm_vision_select_feature",
                    config.featureSelect() == FeatureSelect.DEFAULT ? "patch" : "cls_patch");
            root.addProperty("mm_vision_tower", "perennial/clip-vision");
            root.addProperty("mm_use_im_start_end", false);
            root.addProperty("mm_use_im_patch_token", false);
            root.addProperty("image_aspect_ratio", "pad");
            root.add("vision_config", vision);
        } else {
            root.addProperty("model_type", "llava");
            root.add("architectures", array("LlavaForConditionalGeneration"));
            root.addProperty("image_token_index", config.imageTokenIndex());
            root.addProperty("image_seq_length", config.imageFeatureTokens());
            root.addProperty("vision_feature_layer", config.visionFeatureLayer());
            root.addProperty("vision_feature_select_strategy",
                    config.featureSelect() == FeatureSelect.DEFAULT ? "default" : "full");
            root.addProperty("projector_hidden_act", config.projectorHiddenAct().name().toLowerCase(Locale.ROOT));
            root.addProperty("multimodal_projector_bias", config.projectorBias());
            root.addProperty("pad_token_id", config.padTokenId());
            JsonObject text = new JsonObject();
            text.addProperty("model_type", "llama");
            llamaJson(config, text);
            root.add("text_config", text);
            vision.addProperty("model_type", "clip_vision_model");
            root.add("vision_config", vision);
        }
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(root), StandardCharsets.UTF_8);
    }

    private static void llamaJson(LlavaConfig config, JsonObject o) {
        LlamaConfig t = config.text();
        o.addProperty("vocab_size", t.vocabSize());
        o.addProperty("hidden_size", t.hiddenSize());
        o.addProperty("intermediate_size", t.intermediateSize());
        o.addProperty("num_hidden_layers", t.numHiddenLayers());
        o.addProperty("num_attention_heads", t.numAttentionHeads());
        o.addProperty("num_key_value_heads", t.numKeyValueHeads());
        o.addProperty("rms_norm_eps", t.rmsNormEps());
        o.addProperty("rope_theta", t.ropeTheta());
        o.addProperty("attention_bias", t.attentionBias());
        o.addProperty("mlp_bias", t.mlpBias());
        o.addProperty("tie_word_embeddings", t.tieWordEmbeddings());
        o.addProperty("hidden_act", "silu");
        o.addProperty("bos_token_id", config.bosTokenId());
        o.addProperty("eos_token_id", config.eosTokenId());
    }

    private static JsonObject clipJson(ClipVisionConfig c) {
        JsonObject o = new JsonObject();
        o.addProperty("image_size", c.imageSize());
        o.addProperty("patch_size", c.patchSize());
        o.addProperty("num_channels", c.numChannels());
        o.addProperty("hidden_size", c.hiddenSize());
        o.addProperty("intermediate_size", c.intermediateSize());
        o.addProperty("num_hidden_layers", c.numHiddenLayers());
        o.addProperty("num_attention_heads", c.numAttentionHeads());
        o.addProperty("layer_norm_eps", c.layerNormEps());
        o.addProperty("hidden_act", c.hiddenAct().name().toLowerCase(Locale.ROOT));
        return o;
    }

    private static com.google.gson.JsonArray array(String value) {
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        a.add(value);
        return a;
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return new JsonObject();
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(key + " must be an object");
        }
        return e.getAsJsonObject();
    }

    private static JsonPrimitive primitive(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive()) {
            throw new IllegalArgumentException(key + " must be a number, string or boolean, got " + e);
        }
        return e.getAsJsonPrimitive();
    }

    private static long integer(JsonObject o, String key, long fallback) {
        JsonPrimitive p = primitive(o, key);
        if (p == null) {
            return fallback;
        }
        if (!p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble())) {
            throw new IllegalArgumentException(key + " must be an integer, got " + p);
        }
        return p.getAsLong();
    }

    private static double number(JsonObject o, String key, double fallback) {
        JsonPrimitive p = primitive(o, key);
        if (p == null) {
            return fallback;
        }
        if (!p.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + p);
        }
        return p.getAsDouble();
    }

    private static boolean bool(JsonObject o, String key, boolean fallback) {
        JsonPrimitive p = primitive(o, key);
        if (p == null) {
            return fallback;
        }
        if (!p.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, got " + p);
        }
        return p.getAsBoolean();
    }

    private static String string(JsonObject o, String key, String fallback) {
        JsonPrimitive p = primitive(o, key);
        return p == null ? fallback : p.getAsString();
    }
}
