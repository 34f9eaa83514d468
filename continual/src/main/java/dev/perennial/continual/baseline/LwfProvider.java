package dev.perennial.continual.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.net.ClassifierNet;
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
import java.util.Map;
import java.util.Set;

/**
 * {@code lwf}: Learning without Forgetting (Li and Hoiem, ECCV 2016 / TPAMI 2017), in the class-incremental form
 * of PyCIL ({@code models/lwf.py}, Zhou et al. 2021). Before each task after the first, the current network is
 * frozen as the old model. A batch's loss is
 * {@code L = CE(z[new], y − offset) + λ · L_kd},
 * {@code L_kd = −s · mean_i Σ_{c ∈ old} softmax(z_old,i / T)_c · log softmax(z_i / T)_c},
 * where {@code z[new]} are the logits of the task's own classes (PyCIL: {@code logits[:, known:]} with the
 * targets shifted by the number of known classes), both softmaxes of {@code L_kd} run over the old classes only,
 * T = 2, λ = {@code alpha} = 3 and s = 1 (PyCIL's {@code _KD_loss} and {@code lamda}).
 *
 * <p>Switches, each documented at its field: {@code temperatureSquared: true} sets s = T² (Hinton et al.'s
 * gradient-scale correction; before issue #17 the default, with λ = 1); {@code crossEntropyOver: seen} spans
 * the cross-entropy over every class seen so far instead of the task's own; {@code headRows: kept} keeps the rows
 * the head was initialised with for classes met for the first time, where the default {@code fresh} re-draws
 * them at the start of their task as PyCIL's head growth ({@code update_fc}: a new {@code nn.Linear}, old rows
 * copied in) does. Rows of classes not seen yet are masked out of every softmax, so they get no gradient before
 * their task.
 *
 * <p>The logged {@code lwf} term is λ·L_kd, a cross-entropy, not a divergence: it includes λ·s times the entropy of
 * the old model's softened outputs, which grows with the number of old classes (at most λ·s·ln|old|), so the
 * logged loss rises from task to task even when the old outputs are matched exactly. The loop weighs the term
 * further by {@code training.lossWeights.lwf} (default 1).
 */
@PluginName("lwf")
public final class LwfProvider extends AbstractPluginProvider<LwfProvider.Config, Learner>
        implements LearnerProvider<LwfProvider.Config> {
    /** Creates the provider. */
    public LwfProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class,
                () -> new Config(BackboneConfig.defaults(), 2.0, 3.0, "current", false, "fresh"),
                "Learning without Forgetting: distils the previous model's outputs on old classes.");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param temperature the distillation temperature T
     * @param alpha the weight λ of the distillation term relative to cross-entropy
     * @param crossEntropyOver which classes the cross-entropy's softmax spans
     * @param temperatureSquared whether the distillation term is multiplied by T²
     * @param headRows whether the head rows of a task's new classes are re-drawn at its start
     */
    public record Config(@ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
                         @ConfigDoc("Distillation temperature T > 0 (paper: 2).") @JsonProperty("temperature") double temperature,
                         @ConfigDoc("Weight lambda of the distillation term, >= 0 (PyCIL: 3).") @JsonProperty("alpha") double alpha,
                         @ConfigDoc("Classes the cross-entropy spans: 'current' (the task's own classes, as PyCIL and the paper's new-task head) or 'seen' (every class seen so far).") @JsonProperty("crossEntropyOver") String crossEntropyOver,
                         @ConfigDoc("Multiply the distillation term by T^2 (Hinton et al.; PyCIL: false).") @JsonProperty("temperatureSquared") boolean temperatureSquared,
                         @ConfigDoc("Head rows of a task's new classes: 'fresh' (re-drawn at the task's start as a new PyTorch nn.Linear, PyCIL's head growth) or 'kept' (the rows from the network's initialisation).") @JsonProperty("headRows") String headRows) {
        /** Validates. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be a finite number > 0, was " + temperature);
            }
            if (!(alpha >= 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("alpha must be a finite number >= 0, was " + alpha);
            }
            if (!"current".equals(crossEntropyOver) && !"seen".equals(crossEntropyOver)) {
                throw new IllegalArgumentException("crossEntropyOver must be 'current' or 'seen', was '"
                        + crossEntropyOver + "'");
            }
            headRows = headRows == null ? "fresh" : headRows;
            if (!"fresh".equals(headRows) && !"kept".equals(headRows)) {
                throw new IllegalArgumentException("headRows must be 'fresh' or 'kept', was '" + headRows + "'");
            }
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new LwfLearner(context, config);
    }

    /** The learner. */
    static final class LwfLearner extends ClassIncrementalLearner {
        private final Config config;
        private ClassifierNet old;
        private boolean[] oldClasses;
        private final ParameterStore oldParameters;

        LwfLearner(PluginContext context, Config config) {
            super(context, config.backbone(), "lwf");
            this.config = config;
            this.oldParameters = new ParameterStore(context.manager(), false);
        }

        @Override
        protected void onBeforeTask(TaskInfo task, TaskData data) {
            boolean[] seenSoFar = seenClasses();
            boolean any = false;
            for (boolean b : seenSoFar) {
                any |= b;
            }
            if (any) {
                if (old != null) {
                    old.getParameters().forEach(p -> p.getValue().close());
                }
                old = snapshot();
                oldClasses = seenSoFar;
            }
            if ("fresh".equals(config.headRows())) {
                boolean[] firstSeen = new boolean[seenSoFar.length];
                for (int c : task.classes()) {
                    if (c >= 0 && c < firstSeen.length && !seenSoFar[c]) {
                        firstSeen[c] = true;
                    }
                }
                redrawHeadRows(firstSeen);
            }
        }

        @Override
        protected boolean[] crossEntropyClasses() {
            return "current".equals(config.crossEntropyOver()) ? currentClasses() : super.crossEntropyClasses();
        }

        @Override
        protected LossTerms regularisation(Batch batch, NDArray logits, StepContext step) {
            if (old == null) {
                return LossTerms.none();
            }
            // The old model is a frozen fp32 snapshot with its own store; under training.precision fp16 the batch
            // and the student's logits are half precision, so the teacher reads an fp32 copy of the input and its
            // logits are cast to the student's type (new arrays; no alias of the batch).
            NDArray input = batch.input("image");
            if (input.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
                input = input.toType(ai.djl.ndarray.types.DataType.FLOAT32, true);
            }
            NDArray oldLogits = old.featuresAndLogits(oldParameters, input, false).get(1).stopGradient();
            if (oldLogits.getDataType() != logits.getDataType()) {
                oldLogits = oldLogits.toType(logits.getDataType(), true);
            }
            return LossTerms.of("lwf", Scalars.mul(distillation(logits, oldLogits, oldClasses, config.temperature(),
                    config.temperatureSquared()), (float) config.alpha()));
        }

        /**
         * The LwF distillation term over the old classes, {@code −s · mean_i Σ_{c ∈ old} p_c log q_c} with
         * p = softmax(old logits / T) and q = softmax(logits / T), both over the old classes (PyCIL's
         * {@code _KD_loss}: s = 1).
         *
         * @param logits current logits (B, K)
         * @param oldLogits the old model's logits (B, K)
         * @param oldClasses which classes are old
         * @param temperature T
         * @param temperatureSquared s = T² when true, 1 when false
         * @return the scalar term
         */
        static NDArray distillation(NDArray logits, NDArray oldLogits, boolean[] oldClasses, double temperature,
                                    boolean temperatureSquared) {
            NDArray target = Scalars.div(masked(oldLogits, oldClasses), (float) temperature).softmax(1);
            NDArray logp = Scalars.div(masked(logits, oldClasses), (float) temperature).logSoftmax(1);
            // Masked columns have target 0; zero their (huge negative) log-probabilities so 0·(−1e9) stays exact.
            // Owned: autograd keeps this factor for the backward pass of logp·keep.
            NDArray keep = Owned.floats(logits.getManager(), toFloats(oldClasses));
            NDArray cross = target.mul(logp.mul(keep)).sum(new int[] {1}).neg();
            return temperatureSquared ? Scalars.mul(cross.mean(), (float) (temperature * temperature)) : cross.mean();
        }

        private static float[] toFloats(boolean[] b) {
            float[] f = new float[b.length];
            for (int i = 0; i < b.length; i++) {
                f[i] = b[i] ? 1f : 0f;
            }
            return f;
        }

        @Override
        protected void saveExtra(Map<String, Object> values, Map<String, NDArray> tensors) {
            if (old == null) {
                return;
            }
            values.put("oldClasses", PluginState.classes(oldClasses));
            old.getParameters().forEach(p -> tensors.put("old/" + p.getKey(), p.getValue().getArray()));
        }

        @Override
        protected void loadExtra(PluginState state) {
            if (!state.values().containsKey("oldClasses")) {
                old = null;
                return;
            }
            oldClasses = state.classMask("oldClasses", scenario.classCount());
            old = snapshot();
            old.getParameters().forEach(p -> state.tensor("old/" + p.getKey()).copyTo(p.getValue().getArray()));
        }
    }

}
