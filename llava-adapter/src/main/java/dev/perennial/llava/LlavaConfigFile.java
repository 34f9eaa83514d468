package dev.perennial.llava;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.io.HfConfig;
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
        HfConfig root = parseObject(file);
        try {
            if (root.has("text_config") || "llava".equals(root.string("model_type", ""))) {
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

    private static HfConfig parseObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist; a LLaVA checkpoint directory needs config.json");
        }
        return HfConfig.read(file);
    }

    private static LlavaConfig parseHf(HfConfig root, Path file) {
        HfConfig text = root.object("text_config");
        HfConfig vision = root.object("vision_config");
        LlamaConfig llama = LlamaConfig.fromHf(text);
        ClipVisionConfig clip = ClipVisionConfig.fromHf(vision);
        String projectorType = root.string("projector_hidden_act", "gelu");
        long imageToken = root.integer("image_token_index", 32000);
        LlavaConfig config = new LlavaConfig(llama, clip, imageToken,
                (int) root.integer("vision_feature_layer", -2),
                FeatureSelect.parse(root.string("vision_feature_select_strategy", "default"),
                        "vision_feature_select_strategy"),
                ActivationFunction.fromHf(projectorType, "projector_hidden_act"),
                root.bool("multimodal_projector_bias", true),
                text.integer("bos_token_id", 1), text.integer("eos_token_id", 2),
                padId(root, text, llama.vocabSize()));
        // transformers >= 4.47 processors repeat the image token image_seq_length times; the run must be exactly
        // one image's features, or the model could not tell where one image ends.
        long seqLength = root.integer("image_seq_length", config.imageFeatureTokens());
        if (seqLength != config.imageFeatureTokens()) {
            throw new IllegalArgumentException("image_seq_length is " + seqLength + " but the vision tower gives "
                    + config.imageFeatureTokens() + " features per image (image_size / patch_size squared"
                    + (config.featureSelect() == FeatureSelect.FULL ? " plus the class token" : "")
                    + "); accepted: " + config.imageFeatureTokens());
        }
        return config;
    }

    private static long padId(HfConfig root, HfConfig text, int vocab) {
        long pad = root.integer("pad_token_id", text.integer("pad_token_id", 0));
        return pad >= 0 && pad < vocab ? pad : 0;
    }

    private static LlavaConfig parseOriginal(HfConfig root, Path file, Optional<Path> towerConfig)
            throws IOException {
        LlamaConfig llama = LlamaConfig.fromHf(root);
        String projector = root.string("mm_projector_type", "linear");
        if (!projector.equals("mlp2x_gelu")) {
            throw new IllegalArgumentException("mm_projector_type is '" + projector + "'; accepted: mlp2x_gelu "
                    + "(LLaVA-1.5)");
        }
        ClipVisionConfig clip;
        if (root.has("vision_config")) {
            clip = ClipVisionConfig.fromHf(root.object("vision_config"));
        } else if (towerConfig.isPresent()) {
            HfConfig tower = parseObject(towerConfig.get());
            clip = ClipVisionConfig.fromHf(tower.has("vision_config") ? tower.object("vision_config") : tower);
        } else {
            String tower = root.string("mm_vision_tower", "");
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
        if (root.has("mm_hidden_size") && root.integer("mm_hidden_size", 0) != clip.hiddenSize()) {
            throw new IllegalArgumentException("mm_hidden_size " + root.integer("mm_hidden_size", 0)
                    + " differs from the vision tower's hidden_size " + clip.hiddenSize());
        }
        if (root.bool("mm_use_im_start_end", false)) {
            throw new IllegalArgumentException("mm_use_im_start_end is true; only LLaVA-1.5's plain <image> token "
                    + "(false) is supported");
        }
        return new LlavaConfig(llama, clip, ORIGINAL_IMAGE_TOKEN_INDEX,
                (int) root.integer("mm_vision_select_layer", -2),
                FeatureSelect.parse(root.string("mm_vision_select_feature", "patch"), "mm_vision_select_feature"),
                ActivationFunction.GELU, true,
                root.integer("bos_token_id", 1), root.integer("eos_token_id", 2),
                padId(root, root, llama.vocabSize()));
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
        addAll(o, config.text().toHf());
        o.addProperty("bos_token_id", config.bosTokenId());
        o.addProperty("eos_token_id", config.eosTokenId());
    }

    private static JsonObject clipJson(ClipVisionConfig c) {
        JsonObject o = new JsonObject();
        addAll(o, c.toHf());
        return o;
    }

    private static void addAll(JsonObject o, java.util.Map<String, Object> fields) {
        fields.forEach((k, v) -> {
            if (v instanceof Number n) {
                o.addProperty(k, n);
            } else if (v instanceof Boolean b) {
                o.addProperty(k, b);
            } else {
                o.addProperty(k, v.toString());
            }
        });
    }

    private static com.google.gson.JsonArray array(String value) {
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        a.add(value);
        return a;
    }
}
