package dev.perennial.models.pet;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * LoRA settings (Hu et al. 2021) with PEFT's vocabulary ({@code LoraConfig}).
 *
 * <p>Target matching follows PEFT: a module is adapted when its dotted name equals one of {@code targetModules} or
 * ends with {@code "." + target}, or when {@code targetPattern} matches the whole name ({@code re.fullmatch}).
 * Only {@link dev.perennial.models.nn.Linear} layers can be adapted; other matching modules are reported as errors.
 *
 * @param rank r, the rank of the update
 * @param alpha α; the update is scaled by α / r (or α / √r with {@code useRsLora})
 * @param dropout dropout on the adapter's input (PEFT {@code lora_dropout})
 * @param targetModules module names or name suffixes
 * @param targetPattern a regular expression that must match a whole module name
 * @param useRsLora rank-stabilised scaling α / √r (Kalajdzievski 2023) instead of α / r
 */
public record LoraConfig(
        int rank,
        float alpha,
        float dropout,
        List<String> targetModules,
        Optional<String> targetPattern,
        boolean useRsLora) {

    /** Validates the fields; messages use PEFT's field names. */
    public LoraConfig {
        if (rank <= 0) {
            throw new IllegalArgumentException("lora: r must be positive, got " + rank);
        }
        if (!(alpha > 0) || !Float.isFinite(alpha)) {
            throw new IllegalArgumentException("lora: lora_alpha must be positive and finite, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora: lora_dropout must be in [0, 1), got " + dropout);
        }
        targetModules = List.copyOf(targetModules);
        if (targetModules.isEmpty() && targetPattern.isEmpty()) {
            throw new IllegalArgumentException(
                    "lora: give target_modules (names or suffixes such as q_proj) or a target pattern (regex)");
        }
        targetPattern.ifPresent(p -> {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("lora: target pattern is not a valid regex: " + e.getMessage(), e);
            }
        });
    }

    /**
     * LoRA on the named modules, no dropout.
     *
     * @param rank r
     * @param alpha α
     * @param targets module names or suffixes
     * @return the config
     */
    public static LoraConfig of(int rank, float alpha, String... targets) {
        return new LoraConfig(rank, alpha, 0f, List.of(targets), Optional.empty(), false);
    }

    /**
     * LLaCA / CoIN's recipe: r 128, α 256, dropout 0.05 on every linear layer of the LLaMA decoder (q, k, v, o, gate,
     * up, down; not {@code lm_head}) (llaca.md §2.5, §4).
     *
     * @return the config
     */
    public static LoraConfig llacaDefaults() {
        return new LoraConfig(128, 256f, 0.05f,
                List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
                Optional.empty(), false);
    }

    /** @return the factor on B·A·x */
    public float scaling() {
        return (float) (useRsLora ? alpha / Math.sqrt(rank) : alpha / rank);
    }

    /**
     * Whether a module is a target.
     *
     * @param moduleName dotted module name
     * @return true if it matches
     */
    public boolean matches(String moduleName) {
        if (targetPattern.isPresent() && Pattern.compile(targetPattern.get()).matcher(moduleName).matches()) {
            return true;
        }
        for (String t : targetModules) {
            if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }
}
