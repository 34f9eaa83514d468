package dev.perennial.llava.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.perennial.models.llama.KvCache;
import dev.perennial.models.llama.LlamaForCausalLM;
import dev.perennial.models.nn.Owned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * The decoding loop both generators share: the left-padded prefix (already embedded) is encoded once, then one token
 * per step is sampled and decoded against the KV cache (or the whole sequence is recomputed, to check the cache).
 * A sample ends at EOS (unless ignored), at a stop id, at a stop string or after {@code maxNewTokens}; before
 * {@code minNewTokens} EOS and the stop ids cannot be drawn (HF's {@code MinNewTokensLengthLogitsProcessor}).
 * Finished samples keep being fed EOS (ignored) until every sample is done.
 */
final class AutoregressiveDecoding {
    private AutoregressiveDecoding() {}

    /**
     * Generates one continuation per sample.
     *
     * @param lm the decoder
     * @param store parameter store (inference)
     * @param run the manager of the generation (the cache and every step live in sub-managers of it)
     * @param prefixEmbeds (B, L, D) left-padded prefix
     * @param prefixMask (B, L) 1/0
     * @param config decoding settings
     * @param eos the end-of-sequence id
     * @param detokenize ids → text, for stop strings and the result's text
     * @return one result per sample
     */
    static List<GenerationResult> run(LlamaForCausalLM lm, ParameterStore store, NDManager run, NDArray prefixEmbeds,
            NDArray prefixMask, GenerationConfig config, long eos, Function<long[], String> detokenize) {
        int b = (int) prefixEmbeds.getShape().get(0);
        int vocab = lm.config().vocabSize();
        TokenSampler sampler = new TokenSampler(config);
        Random[] randoms = new Random[b];
        List<List<Long>> generated = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            randoms[i] = new Random(config.seed());
            generated.add(new ArrayList<>());
        }
        long[] banned = config.stopIds().stream().mapToLong(Long::longValue).toArray();
        if (!config.ignoreEos()) {
            banned = Arrays.copyOf(banned, banned.length + 1);
            banned[banned.length - 1] = eos;
        }
        FinishReason[] finished = new FinishReason[b];
        String[] texts = new String[b];
        long[] mask = prefixMask.toLongArray();
        int prefixLength = (int) prefixEmbeds.getShape().get(1);
        KvCache cache = config.useCache() ? lm.newCache(run) : null;
        try {
            float[] logits = lastLogits(decode(lm, store, prefixEmbeds, prefixMask, cache));
            for (int t = 0; t < config.maxNewTokens(); t++) {
                long[] next = new long[b];
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    if (finished[i] != null) {
                        next[i] = eos;
                        continue;
                    }
                    if (generated.get(i).size() < config.minNewTokens()) {
                        for (long id : banned) {
                            if (id >= 0 && id < vocab) {
                                logits[i * vocab + (int) id] = Float.NEGATIVE_INFINITY;
                            }
                        }
                    }
                    long token = sampler.next(logits, i * vocab, vocab, randoms[i]);
                    next[i] = token;
                    if (token == eos && !config.ignoreEos()) {
                        finished[i] = FinishReason.EOS;
                    } else if (config.stopIds().contains(token)) {
                        finished[i] = FinishReason.STOP_TOKEN;
                    } else {
                        generated.get(i).add(token);
                        int cut = config.stopStrings().isEmpty()
                                ? -1 : firstStop(detokenize.apply(toArray(generated.get(i))), config.stopStrings());
                        if (cut >= 0) {
                            finished[i] = FinishReason.STOP_STRING;
                            texts[i] = detokenize.apply(toArray(generated.get(i))).substring(0, cut);
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
                    NDArray stepMask = extendedMask(step, mask, b, prefixLength, t + 1);
                    if (cache != null) {
                        NDArray embeds = lm.embedTokens(store, Owned.longs(step, next, new Shape(b, 1)), false);
                        out = decode(lm, store, embeds, stepMask, cache);
                    } else {
                        long[] so = new long[b * (t + 1)];
                        for (int i = 0; i < b; i++) {
                            for (int k = 0; k <= t; k++) {
                                so[i * (t + 1) + k] = k < generated.get(i).size() ? generated.get(i).get(k) : eos;
                            }
                        }
                        NDArray tail = lm.embedTokens(store, Owned.longs(step, so, new Shape(b, t + 1)), false);
                        NDArray embeds = prefixEmbeds.concat(tail, 1);
                        embeds.attach(step);
                        out = decode(lm, store, embeds, stepMask, null);
                    }
                    logits = lastLogits(out);
                }
            }
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
        List<GenerationResult> results = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            long[] ids = toArray(generated.get(i));
            FinishReason reason = finished[i] == null ? FinishReason.MAX_TOKENS : finished[i];
            String text = texts[i] != null ? texts[i] : detokenize.apply(ids);
            results.add(new GenerationResult(text, ids, reason));
        }
        return results;
    }

    private static NDArray decode(
            LlamaForCausalLM lm, ParameterStore store, NDArray embeds, NDArray mask, KvCache cache) {
        return lm.forwardEmbeddings(store, embeds, Optional.of(mask), Optional.ofNullable(cache), false)
                .logits()
                .orElseThrow();
    }

    private static float[] lastLogits(NDArray logits) {
        NDArray last = logits.get(new NDIndex(":, -1, :"));
        return (last.getDataType() == DataType.FLOAT32 ? last : last.toType(DataType.FLOAT32, false)).toFloatArray();
    }

    /** The attention mask of the prefix followed by {@code generated} real positions. */
    private static NDArray extendedMask(NDManager manager, long[] prefixMask, int b, int prefixLength, int generated) {
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
