package dev.perennial.continual.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Capability;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code ewc}: Elastic Weight Consolidation (Kirkpatrick et al., PNAS 2017) as PyCIL's class-incremental
 * {@code models/ewc.py} runs it. After each task the diagonal empirical Fisher information of the task's data,
 * {@code F_k = E[(∂ log p(y|x) / ∂θ_k)²]}, is estimated, clamped element-wise at {@code fisherMax} (PyCIL's
 * {@code fishermax} = 1e-4), and merged into the running Fisher as {@code α · F_old + (1 − α) · F_new} with
 * {@code α = known / total} classes (PyCIL); the weights become the anchor θ*; training then adds
 * {@code L_ewc = (λ / 2) Σ_k F_k (θ_k − θ*_k)²} (λ = 1000, PyCIL's {@code lamda}).
 *
 * <p>Switches: {@code fisherMerge: sum} adds every task's Fisher instead (online EWC with γ = 1, Schwarz et al.,
 * 2018: this learner's behaviour before issue 17's follow-up), {@code fisherMax: 0} turns the clamp off. Without
 * the clamp, λ = 1000 and a learning rate of 0.05 the penalty's curvature λ·F exceeds 2 / lr on large Fisher entries
 * and SGD diverges (measured on the class-incremental shapes sample, BENCHMARKS.md "LwF in the class-incremental
 * sample"); the clamp bounds it at λ · 1e-4 = 0.1.
 *
 * <p>The expectation is estimated from the gradients of batches of {@code fisherBatchSize} examples, each squared
 * and multiplied by the batch size, then divided by the number of examples: with batches of the loader's size this is
 * PyCIL's mean over batches of the squared batch gradient; with batch size 1 it is the exact empirical Fisher.
 */
@PluginName("ewc")
public final class EwcProvider extends AbstractPluginProvider<EwcProvider.Config, Learner>
        implements LearnerProvider<EwcProvider.Config> {
    /** Creates the provider. */
    public EwcProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class,
                () -> new Config(BackboneConfig.defaults(), 1000.0, 16, PYCIL_FISHER_MAX, "weighted"),
                "Elastic Weight Consolidation as PyCIL runs it: a clamped, Fisher-weighted quadratic penalty towards"
                + " old weights.");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param lambda the penalty strength λ
     * @param fisherBatchSize examples per gradient when estimating the Fisher information
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
                         @ConfigDoc("Penalty strength lambda >= 0; default 1000 (PyCIL's lamda).") @JsonProperty("lambda") double lambda,
                         @ConfigDoc("Examples per gradient for the Fisher estimate, >= 1 (1 = exact empirical Fisher).") @JsonProperty("fisherBatchSize") int fisherBatchSize,
                         @ConfigDoc("Element-wise ceiling of each task's Fisher estimate, >= 0; default 1e-4 (PyCIL's fishermax); 0 = no ceiling.") @JsonProperty("fisherMax") double fisherMax,
                         @ConfigDoc("How a task's Fisher joins the running one: 'weighted' (default, PyCIL: alpha * old + (1 - alpha) * new, alpha = known / total classes) or 'sum' (online EWC with gamma 1).") @JsonProperty("fisherMerge") String fisherMerge) {
        /** Validates. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("lambda must be a finite number >= 0, was " + lambda);
            }
            if (fisherBatchSize < 1) {
                throw new IllegalArgumentException("fisherBatchSize must be >= 1, was " + fisherBatchSize);
            }
            if (!(fisherMax >= 0) || Double.isInfinite(fisherMax)) {
                throw new IllegalArgumentException("fisherMax must be a finite number >= 0 (0: no ceiling), was "
                        + fisherMax);
            }
            fisherMerge = fisherMerge == null ? "weighted" : fisherMerge;
            if (!fisherMerge.equals("weighted") && !fisherMerge.equals("sum")) {
                throw new IllegalArgumentException("fisherMerge must be 'weighted' or 'sum', was '" + fisherMerge
                        + "'");
            }
        }

        /**
         * PyCIL's clamp and merge with these three settings.
         *
         * @param backbone the network
         * @param lambda the penalty strength λ
         * @param fisherBatchSize examples per gradient when estimating the Fisher information
         */
        public Config(BackboneConfig backbone, double lambda, int fisherBatchSize) {
            this(backbone, lambda, fisherBatchSize, PYCIL_FISHER_MAX, "weighted");
        }
    }

    /** PyCIL's {@code fishermax}. */
    public static final double PYCIL_FISHER_MAX = 1e-4;

    /**
     * Clamps a task's Fisher estimate element-wise at {@code max} (PyCIL's {@code torch.min(fisher, fishermax)});
     * {@code max} 0 leaves it as it is.
     *
     * @param fisher the estimate (closed when a clamped copy is returned)
     * @param max the ceiling, or 0
     * @return the clamped estimate, in {@code fisher}'s manager
     */
    static NDArray clamp(NDArray fisher, double max) {
        if (max <= 0) {
            return fisher;
        }
        NDArray clamped = Scalars.minimum(fisher, (float) max);
        fisher.close();
        return clamped;
    }

    /**
     * Merges a task's Fisher into the running one in place: {@code α · running + (1 − α) · fresh} ("weighted") or
     * {@code running + fresh} ("sum").
     *
     * @param running the running Fisher (changed)
     * @param fresh the task's Fisher (unchanged)
     * @param alpha the old Fisher's share for "weighted"
     * @param mode "weighted" or "sum"
     */
    static void merge(NDArray running, NDArray fresh, double alpha, String mode) {
        if (mode.equals("sum")) {
            running.addi(fresh);
        } else {
            NDArray share = Scalars.mul(fresh, (float) (1 - alpha));
            running.muli((float) alpha).addi(share);
            share.close();
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new EwcLearner(context, config);
    }

    /** The learner. */
    static final class EwcLearner extends ClassIncrementalLearner {
        private final Config config;
        private final Map<String, NDArray> fisher = new LinkedHashMap<>();
        private final Map<String, NDArray> anchor = new LinkedHashMap<>();

        EwcLearner(PluginContext context, Config config) {
            super(context, config.backbone(), "ewc");
            this.config = config;
        }

        @Override
        protected LossTerms regularisation(Batch batch, NDArray logits, StepContext step) {
            if (fisher.isEmpty()) {
                return LossTerms.none();
            }
            return LossTerms.of("ewc", Scalars.mul(penalty(), (float) (config.lambda() / 2)));
        }

        /**
         * {@code Σ_k F_k (θ_k − θ*_k)²} over the trainable parameters.
         *
         * @return the scalar
         */
        NDArray penalty() {
            NDArray sum = null;
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray f = fisher.get(p.getKey());
                if (f == null) {
                    continue;
                }
                NDArray d = p.getValue().getArray().sub(anchor.get(p.getKey()));
                NDArray term = d.square().mul(f).sum();
                sum = sum == null ? term : sum.add(term);
            }
            return sum;
        }

        @Override
        public void afterTask(TaskInfo task, TaskData data) {
            Map<String, NDArray> taskFisher = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray z = p.getValue().getArray().zerosLike();
                    z.attach(manager());
                    taskFisher.put(p.getKey(), z);
                }
            }
            int[] examples = {0};
            boolean[] seen = seenClasses();
            data.gradients(config.fisherBatchSize(), (batch, step) -> {
                NDArray logits = masked(net.featuresAndLogits(parameters, batch.input("image"), false).get(1), seen);
                examples[0] += batch.size();
                return CrossEntropy.perSample(logits, batch).mean();
            }, (batch, step) -> {
                for (Pair<String, Parameter> p : net.getParameters()) {
                    NDArray acc = taskFisher.get(p.getKey());
                    if (acc != null) {
                        // (mean-batch gradient)² · B estimates the per-example squared gradient's sum.
                        acc.addi(p.getValue().getArray().getGradient().square().muli((float) batch.size()));
                    }
                }
            });
            // PyCIL: alpha = known / total classes, known = the classes seen before this task.
            boolean[] current = currentClasses();
            int total = 0;
            int known = 0;
            for (int c = 0; c < seen.length; c++) {
                total += seen[c] ? 1 : 0;
                known += seen[c] && !current[c] ? 1 : 0;
            }
            double alpha = total == 0 ? 0 : (double) known / total;
            for (Map.Entry<String, NDArray> e : taskFisher.entrySet()) {
                NDArray f = clamp(e.getValue().divi((float) Math.max(1, examples[0])), config.fisherMax());
                NDArray running = fisher.get(e.getKey());
                if (running == null) {
                    fisher.put(e.getKey(), f);
                } else {
                    merge(running, f, alpha, config.fisherMerge());
                    f.close();
                }
            }
            anchor.values().forEach(NDArray::close);
            anchor.clear();
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (fisher.containsKey(p.getKey())) {
                    anchor.put(p.getKey(), Owned.keep(p.getValue().getArray(), manager()));
                }
            }
        }

        @Override
        protected void saveExtra(Map<String, Object> values, Map<String, NDArray> tensors) {
            fisher.forEach((k, v) -> tensors.put("fisher/" + k, v));
            anchor.forEach((k, v) -> tensors.put("anchor/" + k, v));
            values.put("consolidatedTasks", fisher.isEmpty() ? 0 : 1);
        }

        @Override
        protected void loadExtra(PluginState state) {
            fisher.clear();
            anchor.clear();
            for (Map.Entry<String, NDArray> e : state.tensors().entrySet()) {
                NDArray copy = e.getValue().duplicate();
                copy.attach(manager());
                if (e.getKey().startsWith("fisher/")) {
                    fisher.put(e.getKey().substring(7), copy);
                } else if (e.getKey().startsWith("anchor/")) {
                    anchor.put(e.getKey().substring(7), copy);
                }
            }
        }
    }
}
