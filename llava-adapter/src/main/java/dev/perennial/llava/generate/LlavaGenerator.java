package dev.perennial.llava.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.LlavaBatch;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.MultimodalSequences;
import dev.perennial.llava.PaddingSide;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.models.llama.KvCache;
import dev.perennial.models.nn.Owned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Autoregressive answers from a {@link LlavaModel} for a batch of prompts: the prompts are left-padded so that
 * every sample's next token is predicted at the last position; the prefix (text and image features) is encoded
 * once, then one token per step is decoded against the KV cache. A sample ends at EOS, at a stop string or after
 * {@code maxNewTokens}; finished samples keep being fed EOS (ignored) until every sample is done.
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
        int b = batch.size();
        int vocab = model.config().text().vocabSize();
        long eos = tokenizer.eosId();
        TokenSampler sampler = new TokenSampler(config);
        Random[] randoms = new Random[b];
        for (int i = 0; i < b; i++) {
            randoms[i] = new Random(config.seed());
        }
        List<List<Long>> generated = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            generated.add(new ArrayList<>());
        }
        FinishReason[] finished = new FinishReason[b];
        String[] texts = new String[b];
        ParameterStore store = new ParameterStore(manager, false);
        try (NDManager run = manager.newSubManager()) {
            KvCache cache = config.useCache() ? model.languageModel().newCache(run) : null;
            MultimodalSequences prefix = model.embed(store, run, batch, PaddingSide.LEFT, false);
            long[] prefixMask = prefix.attentionMask().toLongArray();
            int prefixLength = (int) prefix.inputsEmbeds().getShape().get(1);
            float[] logits;
            try (NDManager step = run.newSubManager()) {
                NDArray out = model.decode(store, prefix.inputsEmbeds(), prefix.attentionMask(),
                        Optional.ofNullable(cache));
                logits = lastLogits(out);
            }
            for (int t = 0; t < config.maxNewTokens(); t++) {
                long[] next = new long[b];
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    if (finished[i] != null) {
                        next[i] = eos;
                        continue;
                    }
                    long token = sampler.next(logits, i * vocab, vocab, randoms[i]);
                    next[i] = token;
                    if (token == eos) {
                        finished[i] = FinishReason.EOS;
                    } else {
                        generated.get(i).add(token);
                        String text = tokenizer.decode(toArray(generated.get(i)));
                        int cut = firstStop(text, config.stopStrings());
                        if (cut >= 0) {
                            finished[i] = FinishReason.STOP_STRING;
                            texts[i] = text.substring(0, cut);
                        } else if (generated.get(i).size() >= config.maxNewTokens()) {
                            finished[i] = FinishReason.MAX_TOKENS;
                        }
                    }
                    all &= finished[i] != null;
                }
                if (all) {
                    break;
                }
                try (NDManager step = run.newSubManager()) {
                    NDArray out;
                    if (cache != null) {
                        NDArray embeds = model.embedTokens(store, Owned.longs(step, next, new Shape(b, 1)), false);
                        out = model.decode(store, embeds, mask(step, prefixMask, b, prefixLength, t + 1),
                                Optional.of(cache));
                    } else {
                        long[] so = new long[b * (t + 1)];
                        for (int i = 0; i < b; i++) {
                            for (int k = 0; k <= t; k++) {
                                so[i * (t + 1) + k] = k < generated.get(i).size() ? generated.get(i).get(k) : eos;
                            }
                        }
                        NDArray tail = model.embedTokens(store, Owned.longs(step, so, new Shape(b, t + 1)), false);
                        NDArray embeds = prefix.inputsEmbeds().concat(tail, 1);
                        embeds.attach(step);
                        out = model.decode(store, embeds, mask(step, prefixMask, b, prefixLength, t + 1),
                                Optional.empty());
                    }
                    logits = lastLogits(out);
                }
            }
            if (cache != null) {
                cache.close();
            }
        }
        List<GenerationResult> results = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            long[] ids = toArray(generated.get(i));
            FinishReason reason = finished[i] == null ? FinishReason.MAX_TOKENS : finished[i];
            String text = texts[i] != null ? texts[i] : tokenizer.decode(ids);
            results.add(new GenerationResult(text, ids, reason));
        }
        return results;
    }

    private static float[] lastLogits(NDArray logits) {
        NDArray last = logits.get(new NDIndex(":, -1, :"));
        return (last.getDataType() == DataType.FLOAT32 ? last : last.toType(DataType.FLOAT32, false)).toFloatArray();
    }

    /** The attention mask of the prefix followed by {@code generated} real positions. */
    private static NDArray mask(NDManager manager, long[] prefixMask, int b, int prefixLength, int generated) {
        int total = prefixLength + generated;
        long[] mask = new long[b * total];
        for (int i = 0; i < b; i++) {
            System.arraycopy(prefixMask, i * prefixLength, mask, i * total, prefixLength);
            Arrays.fill(mask, i * total + prefixLength, (i + 1) * total, 1L);
        }
        return Owned.longs(manager, mask, new Shape(b, total));
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    private static long[] toArray(List<Long> ids) {
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
