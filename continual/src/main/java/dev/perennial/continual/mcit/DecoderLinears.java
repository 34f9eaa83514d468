package dev.perennial.continual.mcit;

import dev.perennial.llava.LlavaModel;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.NamedModules;
import dev.perennial.models.pet.LoraConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The decoder's linear layers an adapter scheme targets, matched as PEFT matches LoRA targets. */
final class DecoderLinears {
    /** The decoder's prefix in {@link LlavaModel}'s torch-style parameter names. */
    static final String DECODER = "language_model.";

    private DecoderLinears() {}

    /**
     * The decoder's linear layers whose name is a target or ends with "." + a target ({@code lm_head} never).
     *
     * @param plugin the plugin's name, for messages
     * @param model the model
     * @param targets module names or suffixes ({@code model.loraTargets})
     * @return module name (relative to the decoder) to layer, in model order
     * @throws IllegalArgumentException when nothing matches or a match already carries an adapter
     */
    static Map<String, Linear> find(String plugin, LlavaModel model, List<String> targets) {
        LoraConfig matcher = LoraConfig.of(1, 1f, targets.toArray(String[]::new));
        Map<String, Linear> out = new LinkedHashMap<>();
        NamedModules.of(model.languageModel()).forEach((name, block) -> {
            if (block instanceof Linear linear && !name.equals("lm_head") && matcher.matches(name)) {
                if (linear.adapter().isPresent()) {
                    throw new IllegalArgumentException(plugin + ": " + name + " already carries an adapter");
                }
                out.put(name, linear);
            }
        });
        if (out.isEmpty()) {
            throw new IllegalArgumentException(plugin + ": model.loraTargets " + targets + " match no linear layer"
                    + " of the decoder (e.g. q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
        }
        return out;
    }
}
