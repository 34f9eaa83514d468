package dev.perennial.llava.generate;

/** Why generation of a sample ended. */
public enum FinishReason {
    /** The end-of-sequence token was generated. */
    EOS,
    /** One of {@link GenerationConfig#stopIds()} was generated. */
    STOP_TOKEN,
    /** The answer contained a stop string. */
    STOP_STRING,
    /** {@link GenerationConfig#maxNewTokens()} were generated. */
    MAX_TOKENS
}
