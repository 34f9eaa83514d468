package dev.perennial.continual.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.models.vit.PromptInjection;
import dev.perennial.spi.PluginContext;
import java.util.List;
import java.util.Map;

/**
 * L2P (Wang et al., CVPR 2022; prompts.md §2): a pool of M prompts of L_p tokens, each with a key; the N keys most
 * similar to the query select prompts that are prepended at the input of block 0 (prompt-tuning); the classifier
 * reads the mean of the outputs at the prompt positions; loss = masked CE − λ·(1/B)·Σ_b Σ_{i∈sel(b)} cos(q_b, k_i).
 * With batch-wise selection the N most frequent indices of the batch are used for every sample, in training and at
 * test (code-faithful, prompts.md pitfall 4). The whole pool trains in every task.
 */
public final class L2pLearner extends PromptLearner {
    private final L2pProvider.Config config;
    private final Pool pool;

    /** The pool: {@code prompt} (M, L_p, D) and {@code prompt_key} (M, D). */
    static final class Pool extends PromptPoolBlock {
        final Parameter prompt;
        final Parameter key;

        Pool(L2pProvider.Config c) {
            int d = c.backbone().embedDim();
            this.prompt = add("prompt", new Shape(c.poolSize(), c.promptLength(), d),
                    uniform(c.initLow(), c.initHigh()));
            this.key = add("prompt_key", new Shape(c.poolSize(), d), uniform(c.initLow(), c.initHigh()));
        }
    }

    /**
     * Creates the learner.
     *
     * @param config the configuration
     * @param context what the runtime lends
     * @param name the plugin name
     */
    public L2pLearner(L2pProvider.Config config, PluginContext context, String name) {
        this(config, context, name, new Pool(config));
    }

    private L2pLearner(L2pProvider.Config config, PluginContext context, String name, Pool pool) {
        super(name, context, config.backbone(), TrainLogitMask.parse(name, config.trainLogitMask()), pool);
        this.config = config;
        this.pool = pool;
    }

    /** @return the prompt pool (M, L_p, D) */
    public Parameter prompts() {
        return pool.prompt;
    }

    /** @return the keys (M, D) */
    public Parameter keys() {
        return pool.key;
    }

    /**
     * The prompts each sample of a batch uses.
     *
     * @param similarity (B, M) cosine similarities of queries and keys
     * @return B rows of N indices
     */
    int[][] select(NDArray similarity) {
        int[][] perSample = KeyMatching.topN(similarity, config.topN());
        return config.batchwisePrompt() ? KeyMatching.batchwise(perSample, config.topN(), config.poolSize())
                : perSample;
    }

    @Override
    protected Prompted feature(NDArray x, NDArray query, boolean training, int task) {
        NDArray keys = value(pool.key, x, training);
        NDArray similarity = KeyMatching.cosine(query, keys);
        int[][] selected = select(similarity);
        long b = x.getShape().get(0);
        int d = config.backbone().embedDim();
        NDArray all = value(pool.prompt, x, training);
        NDArray prompts = KeyMatching.oneHot(selected, config.poolSize(), query)
                .matMul(inPass(all.reshape(config.poolSize(), (long) config.promptLength() * d), x))
                .reshape(b, (long) config.topN() * config.promptLength(), d);
        NDArray feature = ptm().forwardPrompted(store(), x, training, PromptInjection.prepended(prompts))
                .promptMean();
        Map<String, NDArray> terms = training && config.pullCoefficient() != 0
                ? Map.of("key-pull", KeyMatching.pullLoss(similarity, selected, config.pullCoefficient()))
                : Map.of();
        return new Prompted(feature, terms);
    }

    @Override
    protected List<Parameter> trainablePrompts(int task) {
        return List.of(pool.prompt, pool.key);
    }
}
