package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Scalars;
import dev.perennial.models.pet.ParameterFreezer;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PTM-based class-incremental baselines of LAMDA-PILOT, sharing SAFE's pieces:
 *
 * <ul>
 *   <li>{@link Method#SIMPLECIL}: prototypes (class means of frozen PTM features) in a cosine classifier
 *       (Zhou et al. 2023, "Revisiting class-incremental learning with pre-trained models").</li>
 *   <li>{@link Method#APER}: the PET module and a cosine head are tuned on the first task only; then prototypes of
 *       the concatenated PTM and adapted features (APER/ADAM, same paper).</li>
 *   <li>{@link Method#RANPAC}: optional first-task PET tuning, then random projection + ReLU + ridge regression,
 *       λ from the task's training features (McDonnell et al. 2023).</li>
 *   <li>{@link Method#FINETUNE}: sequential fine-tuning of the PTM (all weights, or the PET module only) with a
 *       cosine head; the lower bound.</li>
 * </ul>
 *
 * <p>Sessions in which these methods train nothing (every SimpleCIL session, APER and RanPAC after task 1) leave
 * every parameter frozen, as the references do: the shared loop then skips the task's gradient steps and only
 * calls the task hooks and evaluates. The prototype cosine head's σ keeps its initial value there; RanPAC's
 * analytic logits are multiplied by the constant {@link Settings#scoreSigma} (official RanPAC: 1, its
 * {@code CosineLinear} is re-created with σ filled with 1 each task). σ sets the temperature of the reported scores
 * and never their arg-max. The class statistics are computed in
 * {@link #beforeTask} from the task's training data: the backbone is frozen in those sessions, so they equal what
 * the reference computes after the session.
 */
public final class PtmBaselineLearner implements Learner {
    private static final int STATE_SCHEMA = 1;

    /** Which baseline. */
    public enum Method {
        /** Prototypes on the frozen PTM. */
        SIMPLECIL,
        /** First-session adaptation, then prototypes of [PTM; adapted] features. */
        APER,
        /** (First-session adaptation,) then random projection + ridge. */
        RANPAC,
        /** Sequential fine-tuning. */
        FINETUNE
    }

    /**
     * What the four providers configure.
     *
     * @param backbone the PTM and PET module
     * @param firstSessionAdaptation whether the PET module is tuned on the first task (APER, RanPAC)
     * @param fullFineTune FINETUNE: all weights (true) or the PET module only
     * @param projectionWidth RanPAC's M
     * @param ridgeLambdas RanPAC's λ grid
     * @param precision RanPAC's solve precision
     * @param featureBatchSize batch size of feature passes
     * @param scoreSigma RanPAC's σ, the constant that multiplies the analytic logits (official: 1)
     * @param firstSessionStatistics a {@link FirstSessionStatistics} file the first session reads instead of its
     *     own pass over the data (simplecil, ranpac without first-session adaptation, aper), or "" for none
     * @param firstSessionModel APER: a {@link FirstSessionModel} file loaded at the first session instead of
     *     training it, or ""
     * @param firstSessionExport APER: where the first session's adapted model is written after the session, or ""
     */
    public record Settings(PtmBackboneConfig backbone, boolean firstSessionAdaptation, boolean fullFineTune,
                           int projectionWidth, double[] ridgeLambdas, RidgeHead.Precision precision,
                           int featureBatchSize, double scoreSigma, String firstSessionStatistics,
                           String firstSessionModel, String firstSessionExport) {
        /** Checks the combination. */
        public Settings {
            firstSessionStatistics = firstSessionStatistics == null ? "" : firstSessionStatistics;
            firstSessionModel = firstSessionModel == null ? "" : firstSessionModel;
            firstSessionExport = firstSessionExport == null ? "" : firstSessionExport;
        }

        /**
         * The settings without a first-session model.
         *
         * @param backbone the PTM and PET module
         * @param firstSessionAdaptation whether the PET module is tuned on the first task
         * @param fullFineTune FINETUNE: all weights or the PET module only
         * @param projectionWidth RanPAC's M
         * @param ridgeLambdas RanPAC's λ grid
         * @param precision RanPAC's solve precision
         * @param featureBatchSize batch size of feature passes
         * @param scoreSigma RanPAC's σ
         * @param firstSessionStatistics a statistics file, or ""
         */
        public Settings(PtmBackboneConfig backbone, boolean firstSessionAdaptation, boolean fullFineTune,
                        int projectionWidth, double[] ridgeLambdas, RidgeHead.Precision precision,
                        int featureBatchSize, double scoreSigma, String firstSessionStatistics) {
            this(backbone, firstSessionAdaptation, fullFineTune, projectionWidth, ridgeLambdas, precision,
                    featureBatchSize, scoreSigma, firstSessionStatistics, "", "");
        }

        /**
         * The settings without a statistics file.
         *
         * @param backbone the PTM and PET module
         * @param firstSessionAdaptation whether the PET module is tuned on the first task
         * @param fullFineTune FINETUNE: all weights or the PET module only
         * @param projectionWidth RanPAC's M
         * @param ridgeLambdas RanPAC's λ grid
         * @param precision RanPAC's solve precision
         * @param featureBatchSize batch size of feature passes
         * @param scoreSigma RanPAC's σ
         */
        public Settings(PtmBackboneConfig backbone, boolean firstSessionAdaptation, boolean fullFineTune,
                        int projectionWidth, double[] ridgeLambdas, RidgeHead.Precision precision,
                        int featureBatchSize, double scoreSigma) {
            this(backbone, firstSessionAdaptation, fullFineTune, projectionWidth, ridgeLambdas, precision,
                    featureBatchSize, scoreSigma, "", "", "");
        }
    }

    /** Mixed into the plugin seed for RanPAC's W_rand. */
    private static final long PROJECTION_SEED_MIX = 0x5A_7A_C0L;

    /**
     * What the first session of a frozen-PTM learner computes, as a {@link FirstSessionStatistics} header: the one
     * place the learner and the distributed pass ({@code perennial-spark feature-stats}) derive the seeds from.
     *
     * @param method SIMPLECIL, RANPAC without first-session adaptation, or APER
     * @param settings the learner's settings
     * @param classCount the scenario's classes
     * @param firstTaskClasses the first task's classes
     * @param pluginSeed the learner's plugin seed ({@code PluginContext.seed()})
     * @param rows the first task's training samples
     * @param adaptedSha256 APER: the content hash of the first session's adapted model; "" otherwise
     * @return the header
     * @throws IllegalArgumentException for a learner without first-session statistics (RanPAC with adaptation,
     *     fine-tuning)
     */
    public static FirstSessionStatistics.Header firstSessionHeader(Method method, Settings settings, int classCount,
                                                                   int[] firstTaskClasses, long pluginSeed,
                                                                   int rows, String adaptedSha256) {
        if (method == Method.APER) {
            return new FirstSessionStatistics.Header("aper", classCount, firstTaskClasses,
                    2 * settings.backbone().embedDim(), 0, 0, 0, rows,
                    FirstSessionStatistics.checkpointHash(settings.backbone().checkpoint()), adaptedSha256, 0, 0);
        }
        boolean ridge = method == Method.RANPAC;
        if (!(method == Method.SIMPLECIL || ridge && !settings.firstSessionAdaptation())) {
            throw new IllegalArgumentException(method.name().toLowerCase(java.util.Locale.ROOT) + ": first-session "
                    + "statistics exist for simplecil, aper and ranpac with firstSessionAdaptation: false (the other "
                    + "learners train the backbone in the first session, so its features are not known before it)");
        }
        return new FirstSessionStatistics.Header(ridge ? "ranpac" : "simplecil", classCount, firstTaskClasses,
                settings.backbone().embedDim(), ridge ? settings.projectionWidth() : 0,
                ridge ? pluginSeed ^ PROJECTION_SEED_MIX : 0, ridge ? pluginSeed ^ 0 : 0, rows,
                FirstSessionStatistics.checkpointHash(settings.backbone().checkpoint()));
    }

    private final Method method;
    private final Settings settings;
    private final PluginContext context;
    private final String name;
    private final ScenarioInfo scenario;
    private final Shape inputShape;
    private final Net net;
    private final ParameterStore store;
    private final boolean[] seen;
    private boolean initialized;
    private int tasksTrained;
    private RandomProjection projection;
    private RidgeHead ridge;

    /** The learner's parameters: PTM, adapted copy, the tuning head and the prediction head. */
    static final class Net extends FixedShapeBlock {
        final VisionTransformer ptm;
        final VisionTransformer adapted;
        final CosineHead head;
        final CosineHead scores;

        Net(PtmBackboneConfig backbone, int classes, Method method, boolean fullFineTune) {
            int d = backbone.embedDim();
            boolean pet = !(method == Method.FINETUNE && fullFineTune);
            this.ptm = method == Method.FINETUNE ? null : addChildBlock("ptm",
                    new VisionTransformer(backbone.vitConfig(false)));
            this.adapted = method == Method.SIMPLECIL ? null : addChildBlock("adapted",
                    new VisionTransformer(backbone.vitConfig(pet)));
            this.head = method == Method.SIMPLECIL ? null : addChildBlock("head",
                    new CosineHead(classes, d, CosineHead.SIGMA_INIT));
            // RanPAC scores with its analytic head only (σ is a constant of the settings).
            this.scores = method == Method.FINETUNE || method == Method.RANPAC ? null : addChildBlock("scores",
                    new CosineHead(classes, method == Method.APER ? 2 * d : d, CosineHead.SIGMA_INIT));
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            VisionTransformer b = adapted != null ? adapted : ptm;
            CosineHead h = head != null ? head : scores;
            return new NDList(h.logits(store, b.features(store, inputs.singletonOrThrow(), training).pooled(),
                    training));
        }
    }

    /**
     * Creates the learner.
     *
     * @param method the baseline
     * @param settings its settings
     * @param context what the runtime lends
     * @param name the plugin name
     */
    public PtmBaselineLearner(Method method, Settings settings, PluginContext context, String name) {
        this.method = method;
        this.settings = settings;
        this.context = context;
        this.name = name;
        this.scenario = context.scenario().orElseThrow(() -> new IllegalStateException(name
                + " needs a scenario: create it inside a run"));
        this.inputShape = settings.backbone().inputShape(scenario, name);
        this.net = new Net(settings.backbone(), scenario.classCount(), method, settings.fullFineTune());
        this.store = new ParameterStore(context.manager(), false);
        this.seen = new boolean[scenario.classCount()];
        if (!settings.firstSessionStatistics().isEmpty() && !(method == Method.SIMPLECIL || method == Method.APER
                || method == Method.RANPAC && !settings.firstSessionAdaptation())) {
            throw new IllegalArgumentException(name + ": 'firstSessionStatistics' is read by simplecil, aper and by "
                    + "ranpac with firstSessionAdaptation: false only (this learner trains its backbone in the first "
                    + "session)");
        }
        if ((!settings.firstSessionModel().isEmpty() || !settings.firstSessionExport().isEmpty())
                && method != Method.APER) {
            throw new IllegalArgumentException(name + ": 'firstSessionModel' and 'firstSessionExport' are read by "
                    + "aper only");
        }
    }

    /** @return the ridge head (RanPAC), once solved */
    public java.util.Optional<RidgeHead> ridge() {
        return java.util.Optional.ofNullable(ridge);
    }

    /** @return the tuning head (APER, RanPAC, fine-tuning) */
    java.util.Optional<CosineHead> tuningHead() {
        return java.util.Optional.ofNullable(net.head);
    }

    /** @return the prediction head of SimpleCIL and APER */
    java.util.Optional<CosineHead> scoreHead() {
        return java.util.Optional.ofNullable(net.scores);
    }

    private void ensureInitialized() {
        if (initialized) {
            return;
        }
        net.initialize(context.manager(), DataType.FLOAT32, inputShape);
        // A hook may run inside one of the loop's NDScopes; the parameters must outlive it.
        net.getParameters().values().forEach(p -> ai.djl.ndarray.NDScope.unregister(p.getArray()));
        if (net.ptm != null) {
            settings.backbone().loadPretrained(net.ptm, name);
            if (net.adapted != null) {
                PtmBackboneConfig.copyShared(net.ptm, net.adapted);
            }
        } else {
            settings.backbone().loadPretrained(net.adapted, name);
        }
        initialized = true;
    }

    /** Whether the current session tunes the backbone (PET or all of it). */
    private boolean tuning() {
        return method == Method.FINETUNE
                || (tasksTrained == 0 && settings.firstSessionAdaptation() && settings.firstSessionModel().isEmpty()
                    && (method == Method.APER || method == Method.RANPAC));
    }

    /** The first session's adapted model: the adapted ViT and the tuning head (APER). */
    private java.util.Map<String, NDArray> adaptedTensors() {
        return FirstSessionModel.tensors(net.adapted, net.head);
    }

    /** Loads {@link Settings#firstSessionModel} (checked against this learner) instead of training the session. */
    private void loadFirstSessionModel(TaskInfo task) {
        FirstSessionModel model = FirstSessionModel.read(java.nio.file.Path.of(settings.firstSessionModel()),
                context.manager());
        model.requireMatches("aper", scenario.classCount(), task.classes(),
                FirstSessionStatistics.checkpointHash(settings.backbone().checkpoint()), name);
        model.loadInto(net.adapted, net.head, context.manager());
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        ensureInitialized();
        int[] classes = task.classes();
        if (classes.length == 0) {
            throw new IllegalArgumentException(name + ": task " + task.name() + " has no classes; a class-incremental"
                    + " scenario is needed");
        }
        for (int c : classes) {
            if (c < 0 || c >= seen.length) {
                throw new IllegalArgumentException(name + ": task " + task.name() + " has class " + c
                        + " outside 0.." + (seen.length - 1));
            }
            seen[c] = true;
        }
        if (tasksTrained == 0 && !settings.firstSessionModel().isEmpty()) {
            // The first session's adaptation was trained and exported before: nothing trains now.
            loadFirstSessionModel(task);
            exportFirstSession(task);
        }
        applyFreezing();
        if (!tuning()) {
            // Frozen session: the classifier's statistics are final before any step (see the class comment).
            updateClassifier(task, data, tasksTrained == 0);
        }
    }

    private void applyFreezing() {
        net.freezeParameters(true);
        if (tuning()) {
            if (method == Method.FINETUNE && settings.fullFineTune()) {
                net.adapted.freezeParameters(false);
            } else {
                ParameterFreezer.trainOnlyMatching(net.adapted, settings.backbone().petPatterns());
            }
            net.head.freezeParameters(false);
        }
        // Otherwise nothing trains (see the class comment): the loop skips the session's steps.
    }

    @Override
    public Block model() {
        return net;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray x = batch.input("image");
        NDArray logits;
        NDArray features;
        if (tuning()) {
            features = net.adapted.features(store, x, true).pooled();
            logits = net.head.logits(store, features, true);
        } else {
            features = features(x).stopGradient();
            logits = scoreLogits(features, true);
        }
        NDArray perSample = MaskedCrossEntropy.perSample(MaskedCrossEntropy.mask(logits, seen), batch);
        return LossTerms.of("ce", perSample.mean())
                .withOutput("features", features)
                .withOutput("logits", logits)
                .withPerSampleLoss(perSample);
    }

    /** The features the classifier reads: PTM (SimpleCIL), [PTM; adapted] (APER), adapted or PTM (RanPAC). */
    private NDArray features(NDArray x) {
        return switch (method) {
            case SIMPLECIL -> net.ptm.features(store, x, false).pooled();
            case APER -> net.ptm.features(store, x, false).pooled()
                    .concat(net.adapted.features(store, x, false).pooled(), 1);
            case RANPAC -> (settings.firstSessionAdaptation() ? net.adapted : net.ptm).features(store, x, false)
                    .pooled();
            case FINETUNE -> net.adapted.features(store, x, false).pooled();
        };
    }

    /** Prototype cosine logits, or RanPAC's {@code σ · r(x) · W_oᵀ} with the constant σ of the settings. */
    private NDArray scoreLogits(NDArray features, boolean training) {
        if (method == Method.RANPAC) {
            return Scalars.mul(ridge.logits(projection.project(features)), (float) settings.scoreSigma());
        }
        return net.scores.logits(store, features, training);
    }

    /** Prototypes into the score head, or statistics into the ridge head, from the task's training data. */
    private void updateClassifier(TaskInfo task, TaskData data, boolean firstSession) {
        if (method == Method.FINETUNE) {
            return;
        }
        if (firstSession && !settings.firstSessionStatistics().isEmpty()) {
            classifierFromFile(task);
            return;
        }
        try (NDManager scope = context.manager().newSubManager()) {
            FeatureTable table = FeatureTable.collect(data, settings.featureBatchSize(), scope,
                    (b, s) -> features(b.input("image")));
            if (method == Method.RANPAC) {
                if (projection == null) {
                    projection = RandomProjection.sample(context.manager(), (int) table.features().getShape().get(1),
                            settings.projectionWidth(), context.seed() ^ PROJECTION_SEED_MIX);
                    ridge = new RidgeHead(context.manager(), settings.projectionWidth(), scenario.classCount(),
                            settings.precision());
                }
                NDArray h = projection.project(table.features());
                ridge.accumulate(h, table.labels());
                ridge.solve(RidgeHead.selectLambda(h, table.labels(), scenario.classCount(), settings.ridgeLambdas(),
                        context.seed() ^ task.index(), settings.precision()));
            } else {
                ClassPrototypes prototypes = new ClassPrototypes(scenario.classCount(),
                        (int) table.features().getShape().get(1));
                prototypes.add(table.features(), table.labels());
                int[] classes = task.classes();
                net.scores.setRows(classes, prototypes.means(classes));
            }
        }
    }

    /** The first session's classifier from {@link Settings#firstSessionStatistics}, checked against this learner. */
    private void classifierFromFile(TaskInfo task) {
        java.nio.file.Path file = java.nio.file.Path.of(settings.firstSessionStatistics());
        FirstSessionStatistics s = FirstSessionStatistics.read(file, context.manager());
        s.requireMatches(firstSessionHeader(method, settings, scenario.classCount(), task.classes(), context.seed(),
                s.header().rows(), method == Method.APER ? FirstSessionModel.contentHash(adaptedTensors()) : ""),
                file, name);
        int[] classes = task.classes();
        if (method == Method.RANPAC) {
            int m = settings.projectionWidth();
            projection = RandomProjection.sample(context.manager(), settings.backbone().embedDim(), m,
                    context.seed() ^ PROJECTION_SEED_MIX);
            ridge = new RidgeHead(context.manager(), m, scenario.classCount(), settings.precision());
            try (NDManager scope = context.manager().newSubManager()) {
                ridge.restore(dev.perennial.models.nn.Owned.doubles(scope, s.gram(), new Shape(m, m)),
                        dev.perennial.models.nn.Owned.doubles(scope, s.targets(), new Shape(m,
                                scenario.classCount())));
            }
            ridge.solve(s.selectLambda(context.manager(), settings.ridgeLambdas(), settings.precision()));
        } else {
            net.scores.setRows(classes, s.prototypes().means(classes));
        }
    }

    /** Writes {@link Settings#firstSessionExport} (APER), once the first session's adaptation is final. */
    private void exportFirstSession(TaskInfo task) {
        if (settings.firstSessionExport().isEmpty()) {
            return;
        }
        FirstSessionModel.write(java.nio.file.Path.of(settings.firstSessionExport()), "aper", scenario.classCount(),
                task.classes(), FirstSessionStatistics.checkpointHash(settings.backbone().checkpoint()),
                adaptedTensors());
    }

    @Override
    public void afterTask(TaskInfo task, TaskData data) {
        if (tuning() && method != Method.FINETUNE) {
            // End of the adaptation session: the adapted backbone is final, so the classifier can be built.
            tasksTrained++;
            applyFreezing();
            exportFirstSession(task);
            updateClassifier(task, data, true);
            return;
        }
        tasksTrained++;
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray x = batch.input("image");
        NDArray z;
        boolean classifierReady = method != Method.FINETUNE && (method == Method.RANPAC ? ridge != null
                : tasksTrained > 0 || !tuning());
        if (classifierReady) {
            z = scoreLogits(features(x), false);
        } else {
            z = net.head.logits(store, net.adapted.features(store, x, false).pooled(), false);
        }
        return Predictions.ofScores(MaskedCrossEntropy.mask(z, seen).softmax(1));
    }

    @Override
    public PluginState saveState(StepContext step) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("tasksTrained", tasksTrained);
        values.put("seen", PluginState.classes(seen));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        if (ridge != null) {
            values.put("lambda", ridge.lambda());
            tensors.put("w_rand", projection.weights());
            tensors.put("gram", ridge.gram());
            tensors.put("targets", ridge.targets());
        }
        return new PluginState(STATE_SCHEMA, tensors, values);
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema(name, STATE_SCHEMA);
        ensureInitialized();
        tasksTrained = state.number("tasksTrained").intValue();
        System.arraycopy(state.classMask("seen", seen.length), 0, seen, 0, seen.length);
        if (state.tensors().containsKey("w_rand")) {
            NDArray w = state.tensor("w_rand").duplicate();
            w.attach(context.manager());
            projection = RandomProjection.of(w);
            ridge = new RidgeHead(context.manager(), settings.projectionWidth(), scenario.classCount(),
                    settings.precision());
            ridge.restore(state.tensor("gram"), state.tensor("targets"));
            ridge.solve(state.number("lambda").doubleValue());
        }
        applyFreezing();
    }
}
