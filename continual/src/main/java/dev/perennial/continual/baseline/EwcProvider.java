package dev.perennial.continual.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
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
 * {@code ewc}: Elastic Weight Consolidation (Kirkpatrick et al., PNAS 2017), online form (Schwarz et al., 2018,
 * with γ = 1). After each task the diagonal empirical Fisher information of the task's data,
 * {@code F_k = E[(∂ log p(y|x) / ∂θ_k)²]}, is added to the running Fisher and the weights become the anchor
 * θ*; training then adds {@code L_ewc = (λ / 2) Σ_k F_k (θ_k − θ*_k)²}.
 *
 * <p>The expectation is estimated from the gradients of batches of {@code fisherBatchSize} examples, each squared
 * and multiplied by the batch size (with batch size 1 this is the exact empirical Fisher; larger batches are a
 * cheaper approximation that averages gradients before squaring).
 */
@PluginName("ewc")
public final class EwcProvider implements LearnerProvider<EwcProvider.Config> {

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param lambda the penalty strength λ
     * @param fisherBatchSize examples per gradient when estimating the Fisher information
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
                         @ConfigDoc("Penalty strength lambda >= 0.") @JsonProperty("lambda") double lambda,
                         @ConfigDoc("Examples per gradient for the Fisher estimate, >= 1 (1 = exact empirical Fisher).") @JsonProperty("fisherBatchSize") int fisherBatchSize) {
        /** Validates. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("lambda must be a finite number >= 0, was " + lambda);
            }
            if (fisherBatchSize < 1) {
                throw new IllegalArgumentException("fisherBatchSize must be >= 1, was " + fisherBatchSize);
            }
        }
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config(BackboneConfig.defaults(), 1000.0, 16);
    }

    @Override
    public String description() {
        return "Elastic Weight Consolidation (online): a Fisher-weighted quadratic penalty towards old weights.";
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
            for (Map.Entry<String, NDArray> e : taskFisher.entrySet()) {
                NDArray f = e.getValue().divi((float) Math.max(1, examples[0]));
                NDArray running = fisher.get(e.getKey());
                if (running == null) {
                    fisher.put(e.getKey(), f);
                } else {
                    running.addi(f);
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
