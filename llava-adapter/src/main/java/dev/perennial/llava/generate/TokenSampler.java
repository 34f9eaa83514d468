package dev.perennial.llava.generate;

import java.util.Arrays;
import java.util.Random;

/**
 * Chooses the next token from logits: greedy (arg max, the first on ties) or sampling with temperature, top-k and
 * top-p (the order of Hugging Face's logits warpers).
 */
public final class TokenSampler {
    private final GenerationConfig config;

    /**
     * Creates a sampler.
     *
     * @param config the decoding settings
     */
    public TokenSampler(GenerationConfig config) {
        this.config = config;
    }

    /**
     * The next token.
     *
     * @param logits the vocabulary's logits (read from {@code offset})
     * @param offset where this sample's logits start
     * @param vocab the vocabulary size
     * @param random the sample's random stream (unused when greedy)
     * @return the token id
     */
    public int next(float[] logits, int offset, int vocab, Random random) {
        if (config.greedy()) {
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (logits[offset + i] > logits[offset + best]) {
                    best = i;
                }
            }
            return best;
        }
        Integer[] order = new Integer[vocab];
        double[] scaled = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
            scaled[i] = logits[offset + i] / (double) config.temperature();
            max = Math.max(max, scaled[i]);
        }
        Arrays.sort(order, (a, b) -> Double.compare(scaled[b], scaled[a]));
        int keep = config.topK() > 0 ? Math.min(config.topK(), vocab) : vocab;
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(scaled[order[i]] - max);
            sum += p[i];
        }
        // Top-p: the smallest prefix of the sorted tokens whose probability reaches topP (at least one token).
        double cumulative = 0;
        int nucleus = 0;
        while (nucleus < keep) {
            cumulative += p[nucleus] / sum;
            nucleus++;
            if (cumulative >= config.topP()) {
                break;
            }
        }
        double mass = 0;
        for (int i = 0; i < nucleus; i++) {
            mass += p[i];
        }
        double u = random.nextDouble() * mass;
        for (int i = 0; i < nucleus; i++) {
            u -= p[i];
            if (u < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }
}
