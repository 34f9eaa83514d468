package dev.perennial.continual.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import dev.perennial.models.vit.PromptInjection;
import dev.perennial.models.vit.VitPrefix;
import dev.perennial.spi.PluginContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * CODA-Prompt (Smith et al., CVPR 2023; prompts.md §4): at every block of {@code layers}, M components P_m
 * (L_p × D) with keys K_m and attention vectors A_m; the prompt of an input is P(x) = Σ_m α_m P_m with
 * α_m = cos(q ⊙ A_m, K_m) (no softmax, no top-k); its first L_p/2 tokens are the key prefix, the last L_p/2 the
 * value prefix (the CODA repository's layout). The M components are split evenly over the tasks: in task t the slice
 * of task t trains, earlier slices are used frozen, later ones are not used. At the start of each task the slice is
 * re-initialised by {@link GramSchmidt} (seeded). Loss: masked CE + μ·Σ_layers [Ω(K) + Ω(A) + Ω(P flattened)] with
 * Ω(B) = mean((B Bᵀ − I)²) over the components in use, when μ > 0.
 *
 * <p>Each task's slice is its own parameter ({@code p_L_T}, {@code k_L_T}, {@code a_L_T}), so earlier slices are
 * frozen as parameters and an optimizer's momentum can never move them.
 */
public final class CodaPromptLearner extends PromptLearner {
    private final CodaPromptProvider.Config config;
    private final Pool pool;
    private final int perTask;

    /** Per layer and task: components (m, L_p, D), keys (m, D), attention vectors (m, D); m = M / tasks. */
    static final class Pool extends PromptPoolBlock {
        final List<List<Parameter>> p = new ArrayList<>();
        final List<List<Parameter>> k = new ArrayList<>();
        final List<List<Parameter>> a = new ArrayList<>();

        Pool(CodaPromptProvider.Config c, int tasks) {
            int d = c.backbone().embedDim();
            int m = c.poolSize() / tasks;
            for (int layer : c.layers()) {
                List<Parameter> pl = new ArrayList<>();
                List<Parameter> kl = new ArrayList<>();
                List<Parameter> al = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    // Overwritten by Gram–Schmidt at the start of task t; U[0, 1) as the repository's tensor_prompt.
                    pl.add(add("p_" + layer + "_" + t, new Shape(m, c.promptLength(), d), uniform(0f, 1f)));
                    kl.add(add("k_" + layer + "_" + t, new Shape(m, d), uniform(0f, 1f)));
                    al.add(add("a_" + layer + "_" + t, new Shape(m, d), uniform(0f, 1f)));
                }
                p.add(pl);
                k.add(kl);
                a.add(al);
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
    public CodaPromptLearner(CodaPromptProvider.Config config, PluginContext context, String name) {
        this(config, context, name, checkedPool(config, context, name));
    }

    private static Pool checkedPool(CodaPromptProvider.Config config, PluginContext context, String name) {
        int tasks = scenarioOf(context, name).tasks().size();
        PromptChecks.require(config.poolSize() % tasks == 0, name + ": 'poolSize' (" + config.poolSize()
                + ") must be a multiple of the scenario's " + tasks + " tasks (components are split evenly)");
        PromptChecks.layers(name, "layers", config.layers(), config.backbone().depth());
        // Keys and attention vectors are D-dimensional: at most D of them can be mutually orthogonal.
        PromptChecks.require(config.poolSize() <= config.backbone().embedDim(), name + ": 'poolSize' ("
                + config.poolSize() + ") must be at most backbone.embedDim (" + config.backbone().embedDim()
                + "): the keys and attention vectors of all components are initialised mutually orthogonal");
        return new Pool(config, tasks);
    }

    private CodaPromptLearner(CodaPromptProvider.Config config, PluginContext context, String name, Pool pool) {
        super(name, context, config.backbone(), TrainLogitMask.parse(name, config.trainLogitMask()), pool);
        this.config = config;
        this.pool = pool;
        this.perTask = config.poolSize() / scenario.tasks().size();
    }

    /**
     * The slice parameters of one layer.
     *
     * @param layerIndex index into {@code layers}
     * @param kind p, k or a
     * @return one parameter per task
     */
    public List<Parameter> slices(int layerIndex, char kind) {
        return List.copyOf(switch (kind) {
            case 'p' -> pool.p.get(layerIndex);
            case 'k' -> pool.k.get(layerIndex);
            case 'a' -> pool.a.get(layerIndex);
            default -> throw new IllegalArgumentException("kind must be p, k or a, was " + kind);
        });
    }

    @Override
    protected void initializeTask(int task) {
        for (int l = 0; l < config.layers().size(); l++) {
            for (List<List<Parameter>> kind : List.of(pool.p, pool.k, pool.a)) {
                // One seeded stream per (layer, kind, task): the init does not depend on the engine's RNG state.
                int kindIndex = kind == pool.p ? 0 : kind == pool.k ? 1 : 2;
                Random random = new Random(context.seed() * 1_000_003L + (l * 3L + kindIndex) * 1009L + task);
                orthogonalInit(kind.get(l), task, random);
            }
        }
    }

    private void orthogonalInit(List<Parameter> slices, int task, Random random) {
        NDArray target = slices.get(task).getArray();
        Shape shape = target.getShape();
        int n = (int) (shape.size() / shape.get(0));
        List<double[]> earlier = new ArrayList<>();
        for (int t = 0; t < task; t++) {
            float[] flat = slices.get(t).getArray().toFloatArray();
            for (int r = 0; r < perTask; r++) {
                double[] row = new double[n];
                for (int j = 0; j < n; j++) {
                    row[j] = flat[r * n + j];
                }
                earlier.add(row);
            }
        }
        double[][] rows;
        try {
            rows = GramSchmidt.newRows(earlier.toArray(new double[0][]), perTask, n, random);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": 'poolSize' " + config.poolSize() + " is too large for "
                    + "orthogonal components: " + e.getMessage(), e);
        }
        float[] data = new float[perTask * n];
        for (int r = 0; r < perTask; r++) {
            for (int j = 0; j < n; j++) {
                data[r * n + j] = (float) rows[r][j];
            }
        }
        try (NDManager scope = target.getManager().newSubManager()) {
            Owned.floats(scope, data, shape).copyTo(target);
        }
    }

    /** All slices of tasks 0..task of one kind at one layer, concatenated along the component axis. */
    private NDArray upTo(List<Parameter> slices, int task, NDArray x, boolean training) {
        NDList parts = new NDList();
        for (int t = 0; t <= task; t++) {
            parts.add(value(slices.get(t), x, training));
        }
        // A single slice is the parameter's own array: never re-attach that to the pass's manager.
        return parts.size() == 1 ? parts.head() : inPass(NDArrays.concat(parts, 0), x);
    }

    /**
     * α = cos(q ⊙ A_m, K_m) for every component in use.
     *
     * @param query (B, D)
     * @param a (f, D)
     * @param k (f, D)
     * @return (B, f)
     */
    static NDArray attention(NDArray query, NDArray a, NDArray k) {
        NDArray qa = KeyMatching.normalize(query.expandDims(1).mul(a.expandDims(0)), 2);
        return qa.mul(KeyMatching.normalize(k, 1).expandDims(0)).sum(new int[] {2});
    }

    /**
     * P(x) = Σ_m α_m(x) P_m.
     *
     * @param query (B, D)
     * @param a attention vectors (f, D)
     * @param k keys (f, D)
     * @param p components (f, L_p, D)
     * @return (B, L_p, D)
     */
    static NDArray compose(NDArray query, NDArray a, NDArray k, NDArray p) {
        Shape s = p.getShape();
        NDArray rows = p.reshape(s.get(0), s.get(1) * s.get(2));
        rows.attach(query.getManager());
        return attention(query, a, k).matMul(rows)
                .reshape(query.getShape().get(0), s.get(1), s.get(2));
    }

    /**
     * Ω(B) = mean((B Bᵀ − I)²) (the CODA repository's {@code ortho_penalty}; prompts.md P11).
     *
     * @param b (n, k)
     * @return a scalar
     */
    static NDArray orthoPenalty(NDArray b) {
        long n = b.getShape().get(0);
        NDArray eye = b.getManager().eye((int) n).toType(b.getDataType(), false);
        NDArray diff = b.matMul(b.transpose()).sub(eye);
        return diff.mul(diff).mean();
    }

    @Override
    protected Prompted feature(NDArray x, NDArray query, boolean training, int task) {
        if (task < 0) {
            throw new IllegalStateException(name + ": no task has started; call beforeTask first");
        }
        int half = config.promptLength() / 2;
        Map<Integer, VitPrefix> prefixes = new LinkedHashMap<>();
        NDArray ortho = null;
        for (int l = 0; l < config.layers().size(); l++) {
            NDArray p = upTo(pool.p.get(l), task, x, training);
            NDArray k = upTo(pool.k.get(l), task, x, training);
            NDArray a = upTo(pool.a.get(l), task, x, training);
            long f = p.getShape().get(0);
            NDArray prompt = compose(query, a, k, p);
            prefixes.put(config.layers().get(l), new VitPrefix(prompt.get(new NDIndex(":, :{}, :", half)),
                    prompt.get(new NDIndex(":, {}:, :", half))));
            if (training && config.orthoCoefficient() > 0) {
                NDArray term = orthoPenalty(k).add(orthoPenalty(a)).add(orthoPenalty(p.reshape(f, -1)));
                ortho = ortho == null ? term : ortho.add(term);
            }
        }
        NDArray feature = ptm().forwardPrompted(store(), x, training, PromptInjection.prefixes(prefixes))
                .classToken();
        Map<String, NDArray> terms = ortho == null ? Map.of()
                : Map.of("ortho", Scalars.mul(ortho, config.orthoCoefficient()));
        return new Prompted(feature, terms);
    }

    @Override
    protected List<Parameter> trainablePrompts(int task) {
        List<Parameter> out = new ArrayList<>();
        for (int l = 0; l < config.layers().size(); l++) {
            out.add(pool.p.get(l).get(task));
            out.add(pool.k.get(l).get(task));
            out.add(pool.a.get(l).get(task));
        }
        return out;
    }

    /** @return components per task */
    public int componentsPerTask() {
        return perTask;
    }
}
