package dev.perennial.llava.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.perennial.models.llama.LlamaForCausalLM;
import dev.perennial.models.nn.Owned;
import java.util.List;
import java.util.function.Function;

/**
 * Text-only generation from a {@link LlamaForCausalLM} (e.g. one read by {@link LlamaForCausalLM#load}): token-id
 * prompts are left-padded with {@code padId} (masked), then decoded with the loop {@link LlavaGenerator} uses —
 * greedy or temperature / top-k / top-p sampling, KV cache, EOS, stop ids and strings, {@code minNewTokens} and
 * ignored EOS ({@link GenerationConfig}).
 *
 * <pre>{@code
 * LlamaForCausalLM lm = LlamaForCausalLM.load(dir, manager, DataType.FLOAT32);
 * List<GenerationResult> out = new TextGenerator(lm, 2, 0, tokenizer::decode)
 *     .generate(manager, List.of(promptIds), GenerationConfig.greedy(32).withStopIds(List.of(13L)));
 * }</pre>
 *
 * <p>Runs without gradients; call it outside a gradient collector.
 */
public final class TextGenerator {
    private final LlamaForCausalLM model;
    private final long eosId;
    private final long padId;
    private final Function<long[], String> detokenize;

    /**
     * Creates a generator.
     *
     * @param model the decoder
     * @param eosId the end-of-sequence id ({@code eos_token_id})
     * @param padId the id placed at left-padding positions (masked, so any id of the vocabulary)
     * @param detokenize ids → text, for stop strings and the results' text (e.g. a tokenizer's {@code decode}; a
     *     function returning "" if neither is needed)
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    public TextGenerator(LlamaForCausalLM model, long eosId, long padId, Function<long[], String> detokenize) {
        int vocab = model.config().vocabSize();
        if (eosId < 0 || eosId >= vocab || padId < 0 || padId >= vocab) {
            throw new IllegalArgumentException("text generator: eos id " + eosId + " and pad id " + padId
                    + " must be in the vocabulary [0, " + vocab + ")");
        }
        this.model = model;
        this.eosId = eosId;
        this.padId = padId;
        this.detokenize = detokenize;
    }

    /**
     * Generates one continuation per prompt.
     *
     * @param manager the parent of the generation's managers (on the model's device)
     * @param prompts token ids, each non-empty and in the vocabulary (BOS included if the model expects it)
     * @param config decoding settings
     * @return the continuations, in prompt order
     * @throws IllegalArgumentException for an empty prompt list, an empty prompt or an id outside the vocabulary
     */
    public List<GenerationResult> generate(NDManager manager, List<long[]> prompts, GenerationConfig config) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("text generator: no prompts");
        }
        int vocab = model.config().vocabSize();
        int b = prompts.size();
        int length = 0;
        for (int i = 0; i < b; i++) {
            long[] p = prompts.get(i);
            if (p.length == 0) {
                throw new IllegalArgumentException("text generator: prompt " + i + " has no tokens");
            }
            for (int k = 0; k < p.length; k++) {
                if (p[k] < 0 || p[k] >= vocab) {
                    throw new IllegalArgumentException("text generator: prompt " + i + " position " + k
                            + " has token id " + p[k] + ", outside the vocabulary [0, " + vocab + ")");
                }
            }
            length = Math.max(length, p.length);
        }
        long[] ids = new long[b * length];
        long[] mask = new long[b * length];
        for (int i = 0; i < b; i++) {
            long[] p = prompts.get(i);
            int pad = length - p.length;
            java.util.Arrays.fill(ids, i * length, i * length + pad, padId);
            System.arraycopy(p, 0, ids, i * length + pad, p.length);
            java.util.Arrays.fill(mask, i * length + pad, (i + 1) * length, 1L);
        }
        ParameterStore store = new ParameterStore(manager, false);
        try (NDManager run = manager.newSubManager()) {
            Shape shape = new Shape(b, length);
            NDArray embeds = model.embedTokens(store, Owned.longs(run, ids, shape), false);
            return AutoregressiveDecoding.run(model, store, run, embeds, Owned.longs(run, mask, shape), config, eosId,
                    detokenize);
        }
    }
}
