package dev.perennial.llava.generate;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.LlavaBatch;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.MultimodalSequences;
import dev.perennial.llava.PaddingSide;
import dev.perennial.llava.text.LlavaTokenizer;
import java.util.List;

/**
 * Autoregressive answers from a {@link LlavaModel} for a batch of prompts: the prompts are left-padded so that
 * every sample's next token is predicted at the last position; the prefix (text and image features) is encoded
 * once, then one token per step is decoded against the KV cache. A sample ends at EOS, at a stop id or string or
 * after {@code maxNewTokens}; finished samples keep being fed EOS (ignored) until every sample is done. The loop is
 * {@link TextGenerator}'s too.
 *
 * <p>Runs without gradients ({@code training = false}); call it outside a gradient collector. Every per-step array
 * lives in a sub-manager of the given manager, closed after the step; the cache has its own, closed at the end.
 */
public final class LlavaGenerator {
    private final LlavaModel model;
    private final LlavaTokenizer tokenizer;

    /**
     * Creates a generator.
     *
     * @param model the model
     * @param tokenizer its tokenizer (decoding and EOS)
     */
    public LlavaGenerator(LlavaModel model, LlavaTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * Generates one answer per sample.
     *
     * @param manager the parent of the generation's managers (on the model's device)
     * @param batch the prompts (no labels needed), e.g. {@code LlavaBatchEncoder.forGeneration}
     * @param config decoding settings
     * @return the answers, in batch order
     */
    public List<GenerationResult> generate(NDManager manager, LlavaBatch batch, GenerationConfig config) {
        ParameterStore store = new ParameterStore(manager, false);
        try (NDManager run = manager.newSubManager()) {
            MultimodalSequences prefix = model.embed(store, run, batch, PaddingSide.LEFT, false);
            return AutoregressiveDecoding.run(model.languageModel(), store, run, prefix.inputsEmbeds(),
                    prefix.attentionMask(), config, tokenizer.eosId(), tokenizer::decode);
        }
    }
}
