package dev.perennial.continual.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.models.vit.PromptInjection;
import dev.perennial.models.vit.VitPrefix;
import dev.perennial.spi.PluginContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DualPrompt (Wang et al., ECCV 2022; prompts.md §3): a G-prompt shared by all tasks, prefix-tuning at
 * {@code gLayers}, and one E-prompt with its key per task, prefix-tuning at {@code eLayers}. Prefix layout of the
 * JAX/PILOT code: per layer a key prefix and a value prefix, each L tokens. Training in task t uses E-prompt t (the
 * task id is known) and adds −λ·mean_b cos(q_b, k_t); at test the E-prompt is the one whose key is closest to the
 * query among the tasks learned (per sample, or batch-wise: the batch's most frequent choice). The classifier reads
 * the class token. With {@code sharedPromptPool}, E-prompt t starts as a copy of E-prompt t−1 (and its key too with
 * {@code sharedPromptKey}). Only the G-prompt, the current task's E-prompt and key, and the head train.
 */
public final class DualPromptLearner extends PromptLearner {
    private final DualPromptProvider.Config config;
    private final Pool pool;

    /** {@code g_prompt} (|gLayers|, 2, L_g, D); per task t {@code e_prompt_t} (|eLayers|, 2, L_e, D), {@code e_key_t}. */
    static final class Pool extends PromptPoolBlock {
        final Parameter g;
        final List<Parameter> e = new ArrayList<>();
        final List<Parameter> keys = new ArrayList<>();

        Pool(DualPromptProvider.Config c, int tasks) {
            int d = c.backbone().embedDim();
            this.g = add("g_prompt", new Shape(c.gLayers().size(), 2, c.gLength(), d),
                    uniform(c.initLow(), c.initHigh()));
            for (int t = 0; t < tasks; t++) {
                e.add(add("e_prompt_" + t, new Shape(c.eLayers().size(), 2, c.eLength(), d),
                        uniform(c.initLow(), c.initHigh())));
                keys.add(add("e_key_" + t, new Shape(d), uniform(c.initLow(), c.initHigh())));
            }
        }
    }

    /**
     * Creates the learner.
     *
     * @param config the configuration
     * @param context what the runtime lends
     * @param name the plugin name
     */
    public DualPromptLearner(DualPromptProvider.Config config, PluginContext context, String name) {
        this(config, context, name, new Pool(config, scenarioOf(context, name).tasks().size()));
    }

    private DualPromptLearner(DualPromptProvider.Config config, PluginContext context, String name, Pool pool) {
        super(name, context, config.backbone(), TrainLogitMask.parse(name, config.trainLogitMask()), pool);
        PromptChecks.layers(name, "gLayers", config.gLayers(), config.backbone().depth());
        PromptChecks.layers(name, "eLayers", config.eLayers(), config.backbone().depth());
        PromptChecks.require(config.gLayers().stream().noneMatch(config.eLayers()::contains), name
                + ": 'gLayers' " + config.gLayers() + " and 'eLayers' " + config.eLayers() + " must not share a block");
        this.config = config;
        this.pool = pool;
    }

    /** @return the G-prompt */
    public Parameter gPrompt() {
        return pool.g;
    }

    /** @return the E-prompts, one per task */
    public List<Parameter> ePrompts() {
        return List.copyOf(pool.e);
    }

    /** @return the E-keys, one per task */
    public List<Parameter> eKeys() {
        return List.copyOf(pool.keys);
    }

    @Override
    protected void initializeTask(int task) {
        if (task == 0) {
            return;
        }
        if (config.sharedPromptPool()) {
            pool.e.get(task - 1).getArray().copyTo(pool.e.get(task).getArray());
        }
        if (config.sharedPromptKey()) {
            pool.keys.get(task - 1).getArray().copyTo(pool.keys.get(task).getArray());
        }
    }

    /**
     * The E-prompt of each sample: the task's at training, the closest learned key's at test.
     *
     * @param query (B, D)
     * @param training whether training
     * @param task the current task
     * @param x the images (device)
     * @return B task indices
     */
    int[] selectExpert(NDArray query, boolean training, int task, NDArray x) {
        int b = (int) query.getShape().get(0);
        if (training) {
            int[] out = new int[b];
            java.util.Arrays.fill(out, task);
            return out;
        }
        NDArray similarity = KeyMatching.cosine(query, learnedKeys(task, x, false));
        int[][] perSample = KeyMatching.topN(similarity, 1);
        int[][] chosen = config.batchwisePrompt() ? KeyMatching.batchwise(perSample, 1, task + 1) : perSample;
        int[] out = new int[b];
        for (int i = 0; i < b; i++) {
            out[i] = chosen[i][0];
        }
        return out;
    }

    private NDArray learnedKeys(int task, NDArray x, boolean training) {
        NDList keys = new NDList();
        for (int t = 0; t <= task; t++) {
            keys.add(value(pool.keys.get(t), x, training).expandDims(0));
        }
        return inPass(NDArrays.concat(keys, 0), x);
    }

    @Override
    protected Prompted feature(NDArray x, NDArray query, boolean training, int task) {
        if (task < 0) {
            throw new IllegalStateException(name + ": no task has started; call beforeTask first");
        }
        long b = x.getShape().get(0);
        int d = config.backbone().embedDim();
        Map<Integer, VitPrefix> prefixes = new LinkedHashMap<>();
        NDArray g = value(pool.g, x, training);
        for (int j = 0; j < config.gLayers().size(); j++) {
            NDArray k = inPass(g.get(new NDIndex("{}, 0", j)).expandDims(0), x).broadcast(b, config.gLength(), d);
            NDArray v = inPass(g.get(new NDIndex("{}, 1", j)).expandDims(0), x).broadcast(b, config.gLength(), d);
            prefixes.put(config.gLayers().get(j), new VitPrefix(k, v));
        }
        int[] experts = selectExpert(query, training, task, x);
        long perExpert = (long) config.eLayers().size() * 2 * config.eLength() * d;
        NDList stack = new NDList();
        for (int t = 0; t <= task; t++) {
            stack.add(value(pool.e.get(t), x, training).reshape(1, perExpert));
        }
        int[][] rows = new int[experts.length][];
        for (int i = 0; i < experts.length; i++) {
            rows[i] = new int[] {experts[i]};
        }
        NDArray e = KeyMatching.oneHot(rows, task + 1, query).matMul(inPass(NDArrays.concat(stack, 0), x))
                .reshape(b, config.eLayers().size(), 2, config.eLength(), d);
        for (int j = 0; j < config.eLayers().size(); j++) {
            prefixes.put(config.eLayers().get(j), new VitPrefix(e.get(new NDIndex(":, {}, 0", j)),
                    e.get(new NDIndex(":, {}, 1", j))));
        }
        NDArray feature = ptm().forwardPrompted(store(), x, training, PromptInjection.prefixes(prefixes))
                .classToken();
        Map<String, NDArray> terms = Map.of();
        if (training && config.pullCoefficient() != 0) {
            NDArray similarity = KeyMatching.cosine(query, learnedKeys(task, x, true));
            int[][] selected = new int[experts.length][];
            for (int i = 0; i < experts.length; i++) {
                selected[i] = new int[] {task};
            }
            terms = Map.of("key-pull", KeyMatching.pullLoss(similarity, selected, config.pullCoefficient()));
        }
        return new Prompted(feature, terms);
    }

    @Override
    protected List<Parameter> trainablePrompts(int task) {
        return List.of(pool.g, pool.e.get(task), pool.keys.get(task));
    }
}
