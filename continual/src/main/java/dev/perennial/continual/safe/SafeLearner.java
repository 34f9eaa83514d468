package dev.perennial.continual.safe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.continual.ptm.CosineHead;
import dev.perennial.continual.ptm.FeatureTable;
import dev.perennial.continual.ptm.FirstSessionModel;
import dev.perennial.continual.ptm.FirstSessionStatistics;
import dev.perennial.continual.ptm.MaskedCrossEntropy;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.continual.ptm.RandomProjection;
import dev.perennial.continual.ptm.RidgeHead;
import dev.perennial.models.nn.Owned;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAFE, slow and fast parameter-efficient tuning (Zhao et al., NeurIPS 2024; safe.md).
 *
 * <ul>
 *   <li>Task 1: the slow learner's PET module and cosine head train with
 *       {@code CE + λ_diag L_diag + λ_rdn L_rdn} against the frozen PTM (§2.3). After it, the fast learner becomes
 *       an exact copy of the slow one and the slow learner is frozen for good.</li>
 *   <li>Tasks ≥ 2: only the fast PET module and head train, with
 *       {@code CE + λ_cos Σ(1 − cos(f_F, f_S)) + λ_cc (L_s2f + L_f2s)} (§2.4).</li>
 *   <li>After every task, each learner's RanPAC head (random projection, ReLU, ridge regression with λ chosen on
 *       the task's training features) is re-solved (§2.5); predictions come from these heads, combined by
 *       entropy from task 2 on (§2.6).</li>
 * </ul>
 *
 * <p>As the official code ({@code SAFE.py}) does, by default:
 * <ul>
 *   <li>with pooled statistics ({@code sharedRidgeStatistics}), the fast learner's current-task rows are added to
 *       the accumulated G, Q and the fast head is solved ({@code replace_fc}); then the slow learner's rows are
 *       added to the same G, Q and the slow head is solved ({@code replace_fc_branch}). Each head picks its own λ
 *       on its own current-task rows: fit on a random 80 % of them, scored on the rest ({@code
 *       optimise_ridge_parameter} over a shuffled loader; here split seeds {@code seed ^ (0x5AFE << 20) ^ task}
 *       for the slow head and that + 1 for the fast one, {@code seed} being the plugin's). In task 1 the two
 *       learners are one model, so its rows enter G, Q twice, once per head. {@code pooledStatisticsOrder: joint}
 *       keeps this SDK's earlier behaviour: one solve on all the rows, used by both heads, with one λ picked on an
 *       image-paired split of the pooled rows;</li>
 *   <li>at the end of task 1 both cosine heads' σ return to their initial value 10 ({@code setup_RP} and
 *       {@code setup_RP_branch} call {@code reset_parameters}): the analytic logits of both learners are scaled by
 *       10 after task 1, the frozen slow head keeps σ = 10, and the fast head's σ trains on from 10;</li>
 *   <li>the terms besides CE are computed on a second train-mode forward pass of the trained learner (its own
 *       adapter-dropout draw): {@code slow_cm} and {@code fast} call the network again after the CE pass.
 *       {@code secondForward: false} reuses the CE pass's features (one forward, the earlier behaviour; the
 *       terms then see the same dropout mask as CE).</li>
 * </ul>
 *
 * <p>First session in pieces (docs/distributed-feature-statistics.md): {@code firstSessionExport} writes the slow
 * learner's ViT and cosine head after task 1 has trained ({@link FirstSessionModel}); {@code firstSessionModel} loads
 * them at task 1 instead of training it; {@code firstSessionStatistics} reads task 1's ridge statistics, computed from
 * that model by {@code perennial-spark feature-stats --adapted}, instead of task 1's own pass
 * ({@link #firstSessionHeader}).
 *
 * Loss terms are returned already multiplied by their λ: {@code ce}, {@code diag}, {@code rdn} (task 1);
 * {@code ce}, {@code cos}, {@code cc} (later tasks).
 */
public final class SafeLearner implements Learner {
    private static final int STATE_SCHEMA = 1;

    private final SafeConfig config;
    private final PluginContext context;
    private final String name;
    private final ScenarioInfo scenario;
    private final Shape inputShape;
    private final SafeNet net;
    private final ParameterStore store;
    private final boolean[] seen;
    private final boolean[] seenBefore;
    private boolean initialized;
    private int tasksTrained;
    private RandomProjection slowProjection;
    private RandomProjection fastProjection;
    private RidgeHead slowRidge;
    private RidgeHead fastRidge;
    /** With {@code reportHeads} and pooled statistics: each learner's ridge head on its own features only. */
    private RidgeHead slowOwnRidge;
    private RidgeHead fastOwnRidge;
    private final InferenceHeadReport headReport;

    /**
     * Creates the learner (the network is initialized at the first task).
     *
     * @param config the configuration
     * @param context what the runtime lends
     * @param name the plugin name, for messages
     */
    public SafeLearner(SafeConfig config, PluginContext context, String name) {
        this.config = config;
        this.context = context;
        this.name = name;
        this.scenario = context.scenario().orElseThrow(() -> new IllegalStateException(name
                + " needs a scenario: create it inside a run"));
        this.inputShape = config.backbone().inputShape(scenario, name);
        this.net = new SafeNet(config.backbone(), scenario.classCount());
        this.store = context.parameterStore();
        this.seen = new boolean[scenario.classCount()];
        this.seenBefore = new boolean[scenario.classCount()];
        this.headReport = config.reportHeads() ? new InferenceHeadReport() : null;
    }

    /** @return the network (for tests and tools) */
    public SafeNet net() {
        return net;
    }

    /** @return tasks finished ({@link #afterTask} calls) */
    public int tasksTrained() {
        return tasksTrained;
    }

    /** @return the slow learner's ridge head, once solved after task 1 */
    public java.util.Optional<RidgeHead> slowRidge() {
        return java.util.Optional.ofNullable(slowRidge);
    }

    /**
     * @return the fast learner's ridge head: with pooled statistics it shares the slow head's G, Q (official order)
     *     or is the slow head itself ({@code pooledStatisticsOrder: joint})
     */
    public java.util.Optional<RidgeHead> fastRidge() {
        return java.util.Optional.ofNullable(fastRidge);
    }

    /** Mixed into the plugin seed for the slow head's W_rand (the fast head's is this + 1 unless shared). */
    private static final long PROJECTION_SEED_MIX = 0x5AFE_0001L;

    /**
     * What task 1's ridge statistics are, as a {@link FirstSessionStatistics} header: the one place the learner and
     * the distributed pass ({@code perennial-spark feature-stats --adapted}) derive the seeds from.
     *
     * @param config the learner's configuration
     * @param classCount the scenario's classes
     * @param firstTaskClasses the first task's classes
     * @param pluginSeed the learner's plugin seed
     * @param rows the first task's training samples
     * @param adaptedSha256 the content hash of the first session's model ({@link FirstSessionModel})
     * @param firstTaskIndex the first task's index (0)
     * @return the header
     */
    public static FirstSessionStatistics.Header firstSessionHeader(SafeConfig config, int classCount,
                                                                   int[] firstTaskClasses, long pluginSeed, int rows,
                                                                   String adaptedSha256, int firstTaskIndex) {
        long projection = pluginSeed ^ PROJECTION_SEED_MIX;
        long split = pluginSeed ^ (0x5AFEL << 20) ^ firstTaskIndex;
        return new FirstSessionStatistics.Header("safe", classCount, firstTaskClasses, config.backbone().embedDim(),
                config.projectionWidth(), projection, split, rows,
                FirstSessionStatistics.checkpointHash(config.backbone().checkpoint()), adaptedSha256,
                config.sharedRandomProjection() ? projection : projection + 1, split + 1);
    }

    /** @return the first session's model: the slow ViT and its cosine head */
    private Map<String, NDArray> firstSessionTensors() {
        return FirstSessionModel.tensors(net.slow(), net.slowHead());
    }

    private void ensureInitialized() {
        if (initialized) {
            return;
        }
        net.initialize(context.manager(), DataType.FLOAT32, inputShape);
        // A hook may run inside one of the loop's NDScopes; the parameters must outlive it.
        net.getParameters().values().forEach(p -> ai.djl.ndarray.NDScope.unregister(p.getArray()));
        config.backbone().loadPretrained(net.ptm(), name);
        // Slow and fast start from the PTM's weights; their PET modules keep their own initialisation.
        PtmBackboneConfig.copyShared(net.ptm(), net.slow());
        PtmBackboneConfig.copyShared(net.ptm(), net.fast());
        initialized = true;
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        ensureInitialized();
        System.arraycopy(seen, 0, seenBefore, 0, seen.length);
        int[] classes = task.classes();
        if (classes.length == 0) {
            throw new IllegalArgumentException(name + ": task " + task.name() + " has no classes; SAFE needs a "
                    + "class-incremental scenario");
        }
        for (int c : classes) {
            if (c < 0 || c >= seen.length) {
                throw new IllegalArgumentException(name + ": task " + task.name() + " has class " + c
                        + " outside 0.." + (seen.length - 1));
            }
            seen[c] = true;
        }
        if (tasksTrained == 0) {
            // The first head is created for the first task's classes only; every later class gets a zero row
            // when it arrives (update_fc, safe.md §2.2).
            List<Integer> others = new ArrayList<>();
            for (int c = 0; c < seen.length; c++) {
                if (!seen[c]) {
                    others.add(c);
                }
            }
            net.slowHead().zeroRows(others.stream().mapToInt(Integer::intValue).toArray());
            if (!config.firstSessionModel().isEmpty()) {
                // Task 1 was trained and exported before: load it; nothing trains in this session.
                FirstSessionModel model = FirstSessionModel.read(java.nio.file.Path.of(config.firstSessionModel()),
                        context.manager());
                model.requireMatches("safe", scenario.classCount(), classes,
                        FirstSessionStatistics.checkpointHash(config.backbone().checkpoint()), name);
                model.loadInto(net.slow(), net.slowHead(), context.manager());
            }
        }
        applyFreezing();
    }

    /** Freezes what safe.md §3.2 freezes in the current phase. */
    private void applyFreezing() {
        net.ptm().freezeParameters(true);
        boolean first = tasksTrained == 0;
        VisionTransformer trained = first ? net.slow() : net.fast();
        VisionTransformer frozen = first ? net.fast() : net.slow();
        frozen.freezeParameters(true);
        ParameterFreezer.trainOnlyMatching(trained, config.backbone().petPatterns());
        (first ? net.fastHead() : net.slowHead()).freezeParameters(true);
        (first ? net.slowHead() : net.fastHead()).freezeParameters(false);
        if (first && !config.firstSessionModel().isEmpty()) {
            // The loaded first session: every parameter frozen, so the loop skips the session's steps.
            net.freezeParameters(true);
        }
    }

    @Override
    public Block model() {
        return net;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray x = batch.input("image");
        return tasksTrained == 0 ? slowLoss(batch, x) : fastLoss(batch, x);
    }

    /** Task 1: {@code L = CE(h_{W_slow}(φ_S(x)), y) + λ_diag L_diag + λ_rdn L_rdn} (safe.md §2.3). */
    private LossTerms slowLoss(Batch batch, NDArray x) {
        NDArray fs = net.slow().features(store, x, true).pooled();
        NDArray f0 = net.ptm().features(store, x, false).pooled().stopGradient();
        NDArray logits = net.slowHead().logits(store, fs, true);
        NDArray perSample = MaskedCrossEntropy.perSample(MaskedCrossEntropy.mask(logits, seen), batch);
        // SAFE.py slow_cm runs the network again (train mode, its own dropout draw) for the transfer terms.
        NDArray fsExtra = config.secondForward() ? net.slow().features(store, x, true).pooled() : fs;
        SlowFastLosses.Transfer transfer = SlowFastLosses.transfer(fsExtra, f0);
        return LossTerms.of("ce", perSample.mean())
                .and("diag", Scalars.mul(transfer.diagonal(), (float) config.lambdaDiag()))
                .and("rdn", Scalars.mul(transfer.redundancy(), (float) config.lambdaRdn()))
                .withOutput("features", fs)
                .withOutput("logits", logits)
                .withPerSampleLoss(perSample);
    }

    /** Tasks ≥ 2: {@code L = CE(h_{W_fast}(f_F), y) + λ_cos L_cos + λ_cc (L_s2f + L_f2s)} (safe.md §2.4). */
    private LossTerms fastLoss(Batch batch, NDArray x) {
        NDArray ff = net.fast().features(store, x, true).pooled();
        NDArray fs = net.slow().features(store, x, false).pooled().stopGradient();
        NDArray logits = net.fastHead().logits(store, ff, true);
        NDArray perSample = MaskedCrossEntropy.perSample(MaskedCrossEntropy.mask(logits, seen), batch);
        // SAFE.py fast() runs the fast network again (train mode, its own dropout draw) for L_cos and L_cc.
        NDArray ffExtra = config.secondForward() ? net.fast().features(store, x, true).pooled() : ff;
        LossTerms terms = LossTerms.of("ce", perSample.mean())
                .and("cos", Scalars.mul(SlowFastLosses.cosineAlignment(ffExtra, fs, config.reduction()),
                        (float) config.lambdaCos()));
        int[] old = indices(seenBefore);
        if (old.length > 0 && config.lambdaCc() > 0) {
            terms = terms.and("cc", Scalars.mul(crossClassification(batch, ffExtra, fs, old),
                    (float) config.lambdaCc()));
        }
        return terms.withOutput("features", ff).withOutput("logits", logits).withPerSampleLoss(perSample);
    }

    /**
     * {@code L_s2f + L_f2s}: slow prototypes and features through the fast head, fast prototypes and features
     * through the frozen slow head, labels {@code [old classes ; y]} (safe.md §2.4). Prototypes are the other
     * learner's head rows of the classes seen before this task.
     */
    private NDArray crossClassification(Batch batch, NDArray ff, NDArray fs, int[] old) {
        NDManager m = ff.getManager();
        NDArray select = RidgeHead.oneHot(m, Arrays.stream(old).asLongStream().toArray(), scenario.classCount(),
                DataType.FLOAT32);
        NDArray wSlow = net.slowHead().weightValue(store, ff, false).stopGradient();
        NDArray sigmaSlow = net.slowHead().sigmaValue(store, ff, false).stopGradient();
        NDArray wFast = net.fastHead().weightValue(store, ff, true);
        NDArray prototypesSlow = select.matMul(wSlow);
        NDArray prototypesFast = select.matMul(wFast);
        NDArray labels = Owned.longs(m, Arrays.stream(old).asLongStream().toArray())
                .concat(batch.requireLabels().toType(DataType.INT64, false), 0);
        NDArray s2f = net.fastHead().logits(store, prototypesSlow.concat(fs, 0), true);
        NDArray f2s = CosineHead.logits(wSlow, sigmaSlow, prototypesFast.concat(ff, 0));
        return MaskedCrossEntropy.mean(MaskedCrossEntropy.mask(s2f, seen), labels)
                .add(MaskedCrossEntropy.mean(MaskedCrossEntropy.mask(f2s, seen), labels));
    }

    @Override
    public void afterTask(TaskInfo task, TaskData data) {
        boolean first = tasksTrained == 0;
        boolean fromFile = first && !config.firstSessionStatistics().isEmpty();
        String adaptedHash = first && (fromFile || !config.firstSessionExport().isEmpty())
                ? FirstSessionModel.contentHash(firstSessionTensors()) : "";
        if (first && !config.firstSessionExport().isEmpty()) {
            FirstSessionModel.write(java.nio.file.Path.of(config.firstSessionExport()), "safe",
                    scenario.classCount(), task.classes(),
                    FirstSessionStatistics.checkpointHash(config.backbone().checkpoint()), firstSessionTensors());
        }
        if (first) {
            // End of task 1: the fast learner starts as an exact copy of the slow one (safe.md §3.2).
            PtmBackboneConfig.copyShared(net.slow(), net.fast());
            PtmBackboneConfig.copyShared(net.slowHead(), net.fastHead());
            // SAFE.py setup_RP and setup_RP_branch re-create both heads' parameters with reset_parameters, which
            // fills σ with its initial value: both ridge heads score with σ = 10, the slow head keeps it (L_f2s),
            // and the fast head trains on from it in task 2 (update_fc carries σ over).
            net.slowHead().setSigma(CosineHead.SIGMA_INIT);
            net.fastHead().setSigma(CosineHead.SIGMA_INIT);
            long seed = context.seed() ^ PROJECTION_SEED_MIX;
            slowProjection = RandomProjection.sample(context.manager(), config.backbone().embedDim(),
                    config.projectionWidth(), seed);
            fastProjection = config.sharedRandomProjection() ? slowProjection : RandomProjection.sample(
                    context.manager(), config.backbone().embedDim(), config.projectionWidth(), seed + 1);
            slowRidge = new RidgeHead(context.manager(), config.projectionWidth(), scenario.classCount(),
                    config.precision());
            fastRidge = config.officialPooledOrder() ? RidgeHead.sharing(slowRidge)
                    : config.sharedRidgeStatistics() ? slowRidge
                    : new RidgeHead(context.manager(), config.projectionWidth(), scenario.classCount(),
                            config.precision());
            if (config.reportHeads()) {
                slowOwnRidge = config.sharedRidgeStatistics() ? new RidgeHead(context.manager(),
                        config.projectionWidth(), scenario.classCount(), config.precision()) : slowRidge;
                fastOwnRidge = config.sharedRidgeStatistics() ? new RidgeHead(context.manager(),
                        config.projectionWidth(), scenario.classCount(), config.precision()) : fastRidge;
            }
        }
        if (fromFile) {
            ridgeFromFile(task, adaptedHash);
            tasksTrained++;
            return;
        }
        try (NDManager scope = context.manager().newSubManager()) {
            FeatureTable slowFeatures = FeatureTable.collect(data, config.featureBatchSize(), scope,
                    (b, s) -> net.slow().features(store, b.input("image"), false).pooled());
            // In task 1 the two learners are one model, so its features serve both.
            FeatureTable fastFeatures = first ? slowFeatures : FeatureTable.collect(data, config.featureBatchSize(),
                    scope, (b, s) -> net.fast().features(store, b.input("image"), false).pooled());
            if (!first && config.imprintSlowHeadNewClasses()) {
                imprintSlowHead(task, slowFeatures);
            }
            long seed = context.seed() ^ (0x5AFEL << 20) ^ task.index();
            NDArray hs = slowProjection.project(slowFeatures.features());
            NDArray hf = fastProjection.project(fastFeatures.features());
            if (config.officialPooledOrder()) {
                // SAFE.py: replace_fc on the live network (the fast learner) adds its rows and solves its head with
                // λ picked on those rows; replace_fc_branch then adds the slow copy's rows to the same G, Q and
                // solves the slow head with λ picked on its rows. In task 1 both are the same features.
                fastRidge.accumulate(hf, fastFeatures.labels());
                fastRidge.solve(RidgeHead.selectLambda(hf, fastFeatures.labels(), scenario.classCount(),
                        config.lambdaGrid(), seed + 1, config.precision()));
                slowRidge.accumulate(hs, slowFeatures.labels());
                slowRidge.solve(RidgeHead.selectLambda(hs, slowFeatures.labels(), scenario.classCount(),
                        config.lambdaGrid(), seed, config.precision()));
                if (config.reportHeads()) {
                    solveOwn(slowOwnRidge, hs, slowFeatures.labels(), seed);
                    solveOwn(fastOwnRidge, hf, fastFeatures.labels(), seed + 1);
                }
            } else if (config.sharedRidgeStatistics()) {
                // pooledStatisticsOrder joint: both learners accumulate into one G, Q. In task 1 they are one
                // model, so its features enter twice: every task then weighs the same in the pooled statistics
                // (accumulating task 1 once halves its classes' weight against later tasks and, measured on
                // CIFAR-100, starves them).
                NDArray h = hs.concat(hf, 0);
                NDArray y = slowFeatures.labels().concat(fastFeatures.labels(), 0);
                slowRidge.accumulate(h, y);
                // λ is chosen on an 80/20 split of the task's images: an image's slow and fast rows fall on the same
                // side. A split of the pooled rows would score rows whose copy (task 1) or near copy (the other
                // learner's feature of the same image) was fitted, and always pick the smallest λ.
                boolean[] images = RidgeHead.splitMask(slowFeatures.size(), seed);
                boolean[] rows = new boolean[2 * images.length];
                System.arraycopy(images, 0, rows, 0, images.length);
                System.arraycopy(images, 0, rows, images.length, images.length);
                slowRidge.solve(RidgeHead.selectLambda(h, y, scenario.classCount(), config.lambdaGrid(), rows,
                        config.precision()));
                if (config.reportHeads()) {
                    solveOwn(slowOwnRidge, hs, slowFeatures.labels(), seed);
                    solveOwn(fastOwnRidge, hf, fastFeatures.labels(), seed + 1);
                }
            } else {
                slowRidge.accumulate(hs, slowFeatures.labels());
                slowRidge.solve(RidgeHead.selectLambda(hs, slowFeatures.labels(), scenario.classCount(),
                        config.lambdaGrid(), seed, config.precision()));
                fastRidge.accumulate(hf, fastFeatures.labels());
                fastRidge.solve(RidgeHead.selectLambda(hf, fastFeatures.labels(), scenario.classCount(),
                        config.lambdaGrid(), seed + 1, config.precision()));
            }
        }
        tasksTrained++;
    }

    /**
     * Task 1's ridge heads from {@link SafeConfig#firstSessionStatistics}, checked against this learner and the
     * content hash of its slow learner: the statistics the own pass would accumulate, in the same order (official:
     * the fast rows, solve the fast head, then the slow rows, solve the slow head; separate statistics: each head its
     * own), each λ picked on its own split from the statistics.
     */
    private void ridgeFromFile(TaskInfo task, String adaptedHash) {
        java.nio.file.Path file = java.nio.file.Path.of(config.firstSessionStatistics());
        FirstSessionStatistics s = FirstSessionStatistics.read(file, context.manager());
        s.requireMatches(firstSessionHeader(config, scenario.classCount(), task.classes(), context.seed(),
                s.header().rows(), adaptedHash, task.index()), file, name);
        int m = config.projectionWidth();
        int c = scenario.classCount();
        double lambdaSlow = s.selectLambda(context.manager(), config.lambdaGrid(), config.precision());
        double lambdaFast = s.selectFastLambda(context.manager(), config.lambdaGrid(), config.precision());
        try (NDManager scope = context.manager().newSubManager()) {
            NDArray gs = Owned.doubles(scope, s.gram(), new Shape(m, m));
            NDArray qs = Owned.doubles(scope, s.targets(), new Shape(m, c));
            NDArray gf = Owned.doubles(scope, s.fastGram(), new Shape(m, m));
            NDArray qf = Owned.doubles(scope, s.fastTargets(), new Shape(m, c));
            if (config.officialPooledOrder()) {
                slowRidge.restore(gf, qf);
                fastRidge.solve(lambdaFast);
                slowRidge.restore(Owned.doubles(scope, sum(s.fastGram(), s.gram()), new Shape(m, m)),
                        Owned.doubles(scope, sum(s.fastTargets(), s.targets()), new Shape(m, c)));
                slowRidge.solve(lambdaSlow);
                if (config.reportHeads()) {
                    slowOwnRidge.restore(gs, qs);
                    slowOwnRidge.solve(lambdaSlow);
                    fastOwnRidge.restore(gf, qf);
                    fastOwnRidge.solve(lambdaFast);
                }
            } else {
                slowRidge.restore(gs, qs);
                slowRidge.solve(lambdaSlow);
                fastRidge.restore(gf, qf);
                fastRidge.solve(lambdaFast);
            }
        }
    }

    private static double[] sum(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += b[i];
        }
        return out;
    }

    /** Accumulates one learner's own features into its report-only ridge head and re-solves it. */
    private void solveOwn(RidgeHead ridge, NDArray h, NDArray labels, long seed) {
        ridge.accumulate(h, labels);
        ridge.solve(RidgeHead.selectLambda(h, labels, scenario.classCount(), config.lambdaGrid(), seed,
                config.precision()));
    }

    /** The paper's reading of the figure: slow-head rows of the new classes become class means (flag, §7.4). */
    private void imprintSlowHead(TaskInfo task, FeatureTable slowFeatures) {
        dev.perennial.continual.ptm.ClassPrototypes prototypes =
                new dev.perennial.continual.ptm.ClassPrototypes(scenario.classCount(), config.backbone().embedDim());
        prototypes.add(slowFeatures.features(), slowFeatures.labels());
        int[] classes = task.classes();
        net.slowHead().setRows(classes, prototypes.means(classes));
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray x = batch.input("image");
        NDArray z;
        if (slowRidge == null) {
            // Before the first task is finished there is no analytic head: the slow learner's cosine head answers.
            z = net.slowHead().logits(store, net.slow().features(store, x, false).pooled(), false);
        } else {
            boolean aggregate = tasksTrained > 1 && !config.inference().equals("fast");
            NDArray ff = net.fast().features(store, x, false).pooled();
            NDArray zf = ridgeLogits(net.fastHead(), fastProjection, fastRidge, ff);
            NDArray fs = aggregate || headReport != null ? net.slow().features(store, x, false).pooled() : null;
            NDArray zs = fs == null ? null : ridgeLogits(net.slowHead(), slowProjection, slowRidge, fs);
            if (!aggregate) {
                z = zf;
            } else {
                z = config.inference().equals("slow") ? zs
                        : EntropyAggregation.combine(MaskedCrossEntropy.mask(zf, seen),
                                MaskedCrossEntropy.mask(zs, seen), (float) config.gamma());
            }
            if (headReport != null && batch.labels().isPresent()) {
                reportHeads(batch, ff, fs, zf, zs);
            }
        }
        NDArray probabilities = MaskedCrossEntropy.mask(z, seen).softmax(1);
        return Predictions.ofScores(probabilities);
    }

    /** {@code z = σ · ReLU(φ(x) W_rand) · W_oᵀ} (safe.md §2.5) from the learner's features φ(x). */
    private NDArray ridgeLogits(CosineHead head, RandomProjection projection, RidgeHead ridge, NDArray features) {
        return ridge.logits(projection.project(features)).mul(head.sigmaValue(store, features, false));
    }

    /**
     * Scores every head of {@link InferenceHeadReport#HEADS} on a labelled evaluation batch and rewrites the
     * report; the features and ridge logits are the prediction's own, so the prediction never changes.
     */
    private void reportHeads(Batch batch, NDArray ff, NDArray fs, NDArray zf, NDArray zs) {
        NDArray zfMasked = MaskedCrossEntropy.mask(zf, seen);
        NDArray zsMasked = MaskedCrossEntropy.mask(zs, seen);
        // Aggregation applies from task 2 on (safe.md §2.6); after task 1 SAFE predicts with the single model.
        boolean combine = tasksTrained > 1;
        NDArray[] heads = {
            combine ? EntropyAggregation.combine(zfMasked, zsMasked, (float) config.gamma()) : zf,
            combine ? EntropyAggregation.combine(zfMasked, zsMasked, 0f) : zf,
            zs,
            zf,
            ridgeLogits(net.slowHead(), slowProjection, slowOwnRidge, fs),
            ridgeLogits(net.fastHead(), fastProjection, fastOwnRidge, ff)};
        long[][] predicted = new long[heads.length][];
        for (int h = 0; h < heads.length; h++) {
            predicted[h] = MaskedCrossEntropy.mask(heads[h], seen).softmax(1).argMax(1)
                    .toType(DataType.INT64, false).toLongArray();
        }
        long[] labels = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
        headReport.add(tasksTrained, batch.task(), labels, predicted);
        headReport.write(context.workDirectory().resolve(InferenceHeadReport.FILE_NAME));
        headReport.writeMatrices(context.workDirectory().resolve(InferenceHeadReport.MATRICES_FILE_NAME));
    }

    /** @return the slow learner's ridge head on its own features (with {@code reportHeads}), once solved */
    public java.util.Optional<RidgeHead> slowOwnRidge() {
        return java.util.Optional.ofNullable(slowOwnRidge);
    }

    /** @return the head report, when {@code reportHeads} is on */
    public java.util.Optional<InferenceHeadReport> headReport() {
        return java.util.Optional.ofNullable(headReport);
    }

    private static int[] indices(boolean[] flags) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public PluginState saveState(StepContext step) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("tasksTrained", tasksTrained);
        values.put("seen", PluginState.classes(seen));
        values.put("seenBefore", PluginState.classes(seenBefore));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        if (slowRidge != null) {
            values.put("slowLambda", slowRidge.lambda());
            values.put("fastLambda", fastRidge.lambda());
            tensors.put("slow_w_rand", slowProjection.weights());
            tensors.put("slow_gram", slowRidge.gram());
            tensors.put("slow_targets", slowRidge.targets());
            if (!config.sharedRandomProjection()) {
                tensors.put("fast_w_rand", fastProjection.weights());
            }
            if (!config.sharedRidgeStatistics()) {
                tensors.put("fast_gram", fastRidge.gram());
                tensors.put("fast_targets", fastRidge.targets());
            } else if (config.officialPooledOrder()) {
                // The fast head was solved before the slow rows joined G, Q: its solution cannot be re-derived.
                tensors.put("fast_solution", fastRidge.solution());
            }
        }
        return new PluginState(STATE_SCHEMA, tensors, values);
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema(name, STATE_SCHEMA);
        ensureInitialized();
        tasksTrained = state.number("tasksTrained").intValue();
        System.arraycopy(state.classMask("seen", seen.length), 0, seen, 0, seen.length);
        System.arraycopy(state.classMask("seenBefore", seenBefore.length), 0, seenBefore, 0, seenBefore.length);
        if (tasksTrained > 0) {
            NDArray wRand = state.tensor("slow_w_rand").duplicate();
            wRand.attach(context.manager());
            slowProjection = RandomProjection.of(wRand);
            if (config.sharedRandomProjection()) {
                fastProjection = slowProjection;
            } else {
                NDArray w2 = state.tensor("fast_w_rand").duplicate();
                w2.attach(context.manager());
                fastProjection = RandomProjection.of(w2);
            }
            slowRidge = new RidgeHead(context.manager(), config.projectionWidth(), scenario.classCount(),
                    config.precision());
            slowRidge.restore(state.tensor("slow_gram"), state.tensor("slow_targets"));
            slowRidge.solve(state.number("slowLambda").doubleValue());
            if (config.officialPooledOrder()) {
                if (!state.tensors().containsKey("fast_solution")) {
                    throw new IllegalStateException(name + ": the checkpoint has no fast_solution (it was written "
                            + "with pooledStatisticsOrder joint); set pooledStatisticsOrder: joint to resume it");
                }
                fastRidge = RidgeHead.sharing(slowRidge);
                fastRidge.restoreSolution(state.tensor("fast_solution"), state.number("fastLambda").doubleValue());
            } else if (config.sharedRidgeStatistics()) {
                fastRidge = slowRidge;
            } else {
                fastRidge = new RidgeHead(context.manager(), config.projectionWidth(), scenario.classCount(),
                        config.precision());
                fastRidge.restore(state.tensor("fast_gram"), state.tensor("fast_targets"));
                fastRidge.solve(state.number("fastLambda").doubleValue());
            }
        }
        applyFreezing();
    }


    /** @return the plugin's input shape (1, C, H, W) */
    Shape inputShape() {
        return inputShape;
    }

    /** @return the configuration */
    public SafeConfig config() {
        return config;
    }

    /** @return the classes seen so far */
    public boolean[] seenClasses() {
        return seen.clone();
    }

}
