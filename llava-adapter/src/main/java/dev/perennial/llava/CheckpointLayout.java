package dev.perennial.llava;

import dev.perennial.models.io.NameMap;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a LLaVA checkpoint directory names its config fields and tensors. */
public enum CheckpointLayout {
    /**
     * {@code llava-hf/*} as written by transformers before 4.52: {@code config.json} with {@code text_config},
     * {@code vision_config}, {@code image_token_index}; tensors {@code vision_tower.vision_model.…},
     * {@code multi_modal_projector.linear_1/2.…}, {@code language_model.model.…}, {@code language_model.lm_head.…}
     * (this class's own names).
     */
    LLAVA_HF,
    /**
     * The same config, tensors as transformers ≥ 4.52 writes them: {@code model.vision_tower.…},
     * {@code model.multi_modal_projector.…}, {@code model.language_model.…} (no inner {@code model.}),
     * {@code lm_head.…}.
     */
    LLAVA_HF_V2,
    /**
     * The original LLaVA repository ({@code liuhaotian/llava-v1.5-7b}): a flat LLaMA {@code config.json} with
     * {@code mm_*} fields; tensors {@code model.embed_tokens…}, {@code model.layers…}, {@code lm_head…},
     * {@code model.mm_projector.0/2.…}, and (when saved) {@code model.vision_tower.vision_tower.vision_model.…}.
     */
    ORIGINAL;

    private static final Pattern ORIGINAL_PROJECTOR = Pattern.compile("^model\\.mm_projector\\.([02])\\.(.*)$");

    /**
     * Renames this layout's tensor names to {@link LlavaModel}'s parameter names.
     *
     * @return the name map
     */
    public NameMap nameMap() {
        return switch (this) {
            case LLAVA_HF -> NameMap.identity();
            case LLAVA_HF_V2 -> name -> {
                if (name.startsWith("model.vision_tower.") || name.startsWith("model.multi_modal_projector.")) {
                    return Optional.of(name.substring("model.".length()));
                }
                if (name.startsWith("model.language_model.")) {
                    return Optional.of("language_model.model." + name.substring("model.language_model.".length()));
                }
                if (name.startsWith("lm_head.")) {
                    return Optional.of("language_model." + name);
                }
                return Optional.of(name);
            };
            case ORIGINAL -> name -> {
                Matcher m = ORIGINAL_PROJECTOR.matcher(name);
                if (m.matches()) {
                    return Optional.of("multi_modal_projector.linear_" + (m.group(1).equals("0") ? "1" : "2") + "."
                            + m.group(2));
                }
                if (name.startsWith("model.vision_tower.vision_tower.")) {
                    return Optional.of("vision_tower." + name.substring("model.vision_tower.vision_tower.".length()));
                }
                if (name.startsWith("model.")) {
                    return Optional.of("language_model." + name);
                }
                if (name.startsWith("lm_head.")) {
                    return Optional.of("language_model." + name);
                }
                return Optional.of(name);
            };
        };
    }

    /**
     * The name this layout gives one of {@link LlavaModel}'s parameters (the inverse of {@link #nameMap()}).
     *
     * @param parameterName a {@link LlavaModel} parameter name
     * @return the checkpoint name
     */
    public String checkpointName(String parameterName) {
        return switch (this) {
            case LLAVA_HF -> parameterName;
            case LLAVA_HF_V2 -> {
                if (parameterName.startsWith("language_model.model.")) {
                    yield "model.language_model." + parameterName.substring("language_model.model.".length());
                }
                if (parameterName.startsWith("language_model.lm_head.")) {
                    yield parameterName.substring("language_model.".length());
                }
                yield "model." + parameterName;
            }
            case ORIGINAL -> {
                if (parameterName.startsWith("multi_modal_projector.linear_")) {
                    String rest = parameterName.substring("multi_modal_projector.linear_".length());
                    yield "model.mm_projector." + (rest.startsWith("1") ? "0" : "2") + rest.substring(1);
                }
                if (parameterName.startsWith("vision_tower.")) {
                    yield "model.vision_tower.vision_tower." + parameterName.substring("vision_tower.".length());
                }
                yield parameterName.substring("language_model.".length());
            }
        };
    }
}
