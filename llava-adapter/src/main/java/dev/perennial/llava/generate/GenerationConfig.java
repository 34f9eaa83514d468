package dev.perennial.llava.generate;

import java.util.List;

/**
 * How answers are generated (Hugging Face {@code generate} vocabulary).
 *
 * @param maxNewTokens the most tokens generated per sample
 * @param temperature 0 for greedy decoding (LLaVA's evaluation setting); otherwise logits are divided by it and the
 *     next token is sampled
 * @param topP nucleus sampling (Holtzman et al. 2020): sample among the most likely tokens whose cumulative
 *     probability first reaches {@code topP}; 1 keeps every token
 * @param topK sample among the {@code topK} most likely tokens, 0 for no limit (applied before top-p, as HF does)
 * @param seed the seed of each sample's random stream (each sample of a batch draws from its own
 *     {@code new Random(seed)}, so a sample's answer does not depend on the other samples of its batch)
 * @param stopStrings generation of a sample ends when its decoded answer contains one of these; the answer is cut
 *     before it
 * @param useCache whether to decode with the KV cache (one new position per step) or recompute the whole sequence
 *     each step (for checking the cache)
 * @param stopIds ids that end a sample like EOS does (HF's list-valued {@code eos_token_id}; Vicuna's {@code </s>} is
 *     already the EOS); not part of the answer
 * @param minNewTokens EOS and the stop ids cannot be drawn before this many tokens were generated (HF
 *     {@code min_new_tokens}); 0 for no minimum
 * @param ignoreEos whether EOS is an ordinary token that ends nothing (generation runs to {@code maxNewTokens}, a
 *     stop id or a stop string; for throughput runs)
 */
public record GenerationConfig(
        int maxNewTokens,
        float temperature,
        float topP,
        int topK,
        long seed,
        List<String> stopStrings,
        boolean useCache,
        List<Long> stopIds,
        int minNewTokens,
        boolean ignoreEos) {

    /** Validates. */
    public GenerationConfig {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("generation: maxNewTokens must be positive, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("generation: temperature must be finite and >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("generation: topP must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("generation: topK must be >= 0, got " + topK);
        }
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("generation: stop strings must not be empty");
        }
        stopIds = List.copyOf(stopIds);
        if (minNewTokens < 0 || minNewTokens > maxNewTokens) {
            throw new IllegalArgumentException("generation: minNewTokens must be in 0..maxNewTokens (" + maxNewTokens
                    + "), got " + minNewTokens);
        }
    }

    /**
     * Without stop ids, minimum or ignored EOS.
     *
     * @param maxNewTokens the most tokens per sample
     * @param temperature 0 for greedy
     * @param topP nucleus mass
     * @param topK top-k, 0 for none
     * @param seed the seed
     * @param stopStrings stop strings
     * @param useCache whether to use the KV cache
     */
    public GenerationConfig(int maxNewTokens, float temperature, float topP, int topK, long seed,
            List<String> stopStrings, boolean useCache) {
        this(maxNewTokens, temperature, topP, topK, seed, stopStrings, useCache, List.of(), 0, false);
    }

    /**
     * Greedy decoding with the KV cache.
     *
     * @param maxNewTokens the most tokens per sample
     * @return the config
     */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0f, 1f, 0, 0L, List.of(), true);
    }

    /**
     * Temperature and nucleus sampling with the KV cache.
     *
     * @param maxNewTokens the most tokens per sample
     * @param temperature the temperature (> 0)
     * @param topP the nucleus mass
     * @param seed the seed
     * @return the config
     */
    public static GenerationConfig sampling(int maxNewTokens, float temperature, float topP, long seed) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("generation: sampling needs temperature > 0, got " + temperature);
        }
        return new GenerationConfig(maxNewTokens, temperature, topP, 0, seed, List.of(), true);
    }

    /**
     * With stop strings.
     *
     * @param stops the strings
     * @return a copy
     */
    public GenerationConfig withStopStrings(List<String> stops) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stops, useCache, stopIds,
                minNewTokens, ignoreEos);
    }

    /**
     * With stop ids.
     *
     * @param ids ids that end a sample
     * @return a copy
     */
    public GenerationConfig withStopIds(List<Long> ids) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, useCache, ids,
                minNewTokens, ignoreEos);
    }

    /**
     * With a minimum answer length.
     *
     * @param tokens EOS and stop ids are impossible before this many tokens
     * @return a copy
     */
    public GenerationConfig withMinNewTokens(int tokens) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, useCache, stopIds,
                tokens, ignoreEos);
    }

    /**
     * With EOS ignored or honoured.
     *
     * @param ignore whether EOS ends nothing
     * @return a copy
     */
    public GenerationConfig withIgnoreEos(boolean ignore) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, useCache, stopIds,
                minNewTokens, ignore);
    }

    /**
     * With or without the KV cache.
     *
     * @param cache whether to use it
     * @return a copy
     */
    public GenerationConfig withCache(boolean cache) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, seed, stopStrings, cache, stopIds,
                minNewTokens, ignoreEos);
    }

    /** @return whether decoding is greedy */
    public boolean greedy() {
        return temperature == 0f;
    }
}
