package dev.perennial.models.pet;

/**
 * Visual prompt tuning (Jia et al. 2022, VPT) settings.
 *
 * @param count number of prompt tokens per layer (SAFE's VPT-Deep: 5)
 * @param deep VPT-Deep (fresh prompts before every block, removed after it) or VPT-Shallow (prompts inserted
 *     once before the first block and carried to the end)
 * @param position where the prompts go in the token sequence
 * @param init how the prompt tensor is initialised
 */
public record PromptConfig(int count, boolean deep, Position position, Init init) {

    /** Where prompt tokens are inserted. */
    public enum Position {
        /**
         * After all patch tokens, {@code [CLS, E, P]}: the VPT port used by SAFE's code base ({@code vpt.py},
         * {@code torch.cat((x, Prompt_Tokens), dim=1)}). Default.
         */
        APPENDED,
        /** Between the CLS token and the patches, {@code [CLS, P, E]}: the VPT paper, eq. 4 and 6. */
        AFTER_CLS
    }

    /** How the prompt tensor {@code Prompt_Tokens} is initialised. */
    public enum Init {
        /** All zeros, as SAFE's code base ({@code nn.Parameter(torch.zeros(...))}). Default. */
        ZEROS,
        /** Xavier-uniform U(−v, v), v = √(6 / (3·p² + D)) with patch size p: the VPT paper's code. */
        XAVIER_UNIFORM
    }

    /** Validates the fields. */
    public PromptConfig {
        if (count <= 0) {
            throw new IllegalArgumentException("prompts.count must be positive, got " + count);
        }
        if (position == null || init == null) {
            throw new IllegalArgumentException("prompts.position and prompts.init are required");
        }
    }

    /**
     * VPT-Deep with the code-base defaults (appended, zero-initialised).
     *
     * @param count prompts per layer
     * @return the config
     */
    public static PromptConfig deep(int count) {
        return new PromptConfig(count, true, Position.APPENDED, Init.ZEROS);
    }

    /**
     * VPT-Shallow with the code-base defaults (appended, zero-initialised).
     *
     * @param count prompts
     * @return the config
     */
    public static PromptConfig shallow(int count) {
        return new PromptConfig(count, false, Position.APPENDED, Init.ZEROS);
    }
}
