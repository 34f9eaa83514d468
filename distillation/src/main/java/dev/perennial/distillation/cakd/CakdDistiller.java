package dev.perennial.distillation.cakd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.CrossEntropy;
import dev.perennial.distillation.FrozenTeacher;
import dev.perennial.distillation.InfoNce;
import dev.perennial.distillation.InfoNceMemoryBank;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.LossScaling;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.distillation.OfaLoss;
import dev.perennial.distillation.SpatialPooling;
import dev.perennial.distillation.StudentOutputs;
import dev.perennial.distillation.TargetMask;
import dev.perennial.distillation.assistant.FusionLayout;
import dev.perennial.distillation.assistant.FusionModel;
import dev.perennial.distillation.assistant.LocalToGlobalProjector;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.models.Backbone;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.mlp.MlpMixer;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.AuxiliaryModels;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The {@code cakd} distiller (cakd.md §2, §4). Per batch:
 * <pre>
 *   K_T = {f_T, p_T}   frozen teacher, evaluation mode, detached
 *   K_S = {f_S, p_S}   the learner's outputs 'features' and 'logits'
 *   K_F = {f_F, p_F}   fusion model on stage 3 (student's output 'stage3', or the teacher's front)
 *   L(K_i, K_j) = w_nce · L_NCE(g_i f_i, g_j f_j; τ_ij) + w_ofa · L_OFA(p_j | p_i, y; ε, T)
 *   terms: w_ts·L(K_T,K_S), w_tf·L(K_T,K_F), w_fs·L(K_F,K_S) as six named terms (+ fusion CE if enabled)
 * </pre>
 * The student's cross-entropy {@code w_gt · CE(p_S, y)} is the learner's own term (e.g. {@code ce}); the loop
 * weighs every term again by {@code training.lossWeights}.
 *
 * <p>Loss scaling (ours, issue 26; not in the paper): with {@code warmupSteps} every cakd term's weight ramps
 * linearly from 0 to 1; with {@code lossScaling} 'initial' each term is divided by its own value at the first
 * training step, and with 'grad-norm' each term is rescaled every step so that its gradient at its own inputs has
 * the norm of the student cross-entropy's gradient at the student's logits ({@link LossScaling}).
 *
 * <p>InfoNCE takes its negatives from the batch by default (cakd.md §2.4); with {@code infoNceMode = memory-bank}
 * it uses CRD's memory instead ({@link InfoNceMemoryBank}): one bank per model (T, S, F), indexed by the batch's
 * sample ids, read as a snapshot by all three pairs and updated with momentum after them.
 *
 * <p>Learner outputs this distiller reads: {@code logits} (B, K) and {@code features} (B, C_S, the student's
 * globally pooled final feature; a map or token sequence is pooled here) always; and, when the student supplies
 * stages 1–3 of the fusion model (CNN student, or a homogeneous pair), the output named by
 * {@code studentStageOutput} (default {@code stage3}): the student's stage-3 map (B, C, H, W) or tokens
 * (B, T, D). A missing output fails with a message naming it.
 *
 * <p>Weight sharing: the fusion model reads the student's own stage-3 output, so its stages 1–3 are the student's
 * modules; the teacher's stage 4 + head inside it are the teacher's own frozen instances (or, with
 * {@code freezeTeacherPartsInFusion = false}, a trained copy). When the student supplies stage 4 + head (CNN
 * teacher, attention/MLP student), a distiller created through the SPI cannot reach the learner's blocks, so it
 * trains a private copy built from {@code student}; {@link #CakdDistiller(CakdConfig, NDManager, Optional)} with
 * the student's backbone shares the real instances instead.
 *
 * <p>The assistant is scored with the learner (cakd.md §4 item 8: student, fusion and teacher accuracy): as an
 * {@link AuxiliaryModels} plugin, cakd predicts every evaluation batch with the fusion model p_F, so the run's
 * report holds its matrix as {@code cakd.assistant}. It continues from the learner's evaluation outputs
 * ({@code Learner.evaluationOutputs}, SPI 1.4) where the student supplies stage 3; a learner that gives no such
 * output leaves the matrix empty (null cells) and a warning in the log, and its training is unaffected.
 */
public final class CakdDistiller implements Distiller, AuxiliaryModels {
    /** The name of the assistant's matrix in the report ({@code cakd.assistant}). */
    public static final String ASSISTANT = "assistant";
    private static final System.Logger LOG = System.getLogger(CakdDistiller.class.getName());

    /** The plugin's name. */
    public static final String NAME = "cakd";

    private final CakdConfig config;
    private final NDManager manager;
    private final Optional<Backbone> studentModel;
    private final ParameterStore store;
    private FrozenTeacher teacher;
    private CakdModules modules;
    private FusionLayout layout;
    private boolean warnedNoStageOutput;

    /**
     * Creates the distiller; the networks are built at the first {@link #beforeTask} (or {@link #initialize}).
     *
     * @param config the configuration
     * @param manager the plugin-lifetime manager
     * @param studentModel the student's own backbone when the caller has it (shares its stage-4 instances with the
     *     fusion model); empty through the SPI
     */
    public CakdDistiller(CakdConfig config, NDManager manager, Optional<Backbone> studentModel) {
        this.config = config;
        this.manager = manager;
        this.studentModel = studentModel;
        this.store = new ParameterStore(manager, false);
        studentModel.ifPresent(s -> {
            ModelFamily described = config.student().family();
            if (s.family() != described) {
                throw new IllegalArgumentException("cakd: the student backbone is " + s.family() + " but config "
                        + "'student' describes " + config.student().architecture() + " (" + described + ")");
            }
        });
    }

    @Override
    public void beforeTask(TaskInfo task) {
        initialize();
    }

    /** Builds the teacher, the fusion model and the heads, once. */
    public void initialize() {
        if (modules != null) {
            return;
        }
        teacher = new FrozenTeacher(config.teacher(), manager, config.pooling(), NAME);
        Shape input = FrozenTeacher.inputShape(config.teacher());
        try (NDManager probe = manager.newSubManager()) {
            Backbone studentShapes = studentModel.orElseGet(() -> {
                Backbone b = config.student().build();
                b.initialize(probe, DataType.FLOAT32, input);
                return b;
            });
            layout = FusionLayout.of(studentShapes.family(), teacher.model().family());
            ParameterStore probeStore = new ParameterStore(probe, false);
            NDArray dummy = probe.zeros(input);
            StageSplit frontSide = StageSplit.of(layout.front() == FusionLayout.Side.STUDENT ? studentShapes
                    : teacher.model(), config.pooling());
            Shape stage3 = FusionModel.toMap(frontSide.front(probeStore, dummy, false)).getShape();

            boolean backIsTeacher = layout.back() == FusionLayout.Side.TEACHER;
            Backbone backReference = backIsTeacher ? teacher.model() : studentShapes;
            StageSplit back;
            boolean ownsBack;
            boolean backTrains;
            if (backIsTeacher && config.freezeTeacherPartsInFusion()) {
                back = teacher.split();
                ownsBack = false;
                backTrains = false;
            } else if (!backIsTeacher && studentModel.isPresent()) {
                back = StageSplit.of(studentModel.get(), config.pooling());
                ownsBack = false;
                backTrains = true;
            } else {
                // A private copy: a trained copy of the teacher's stage 4, or of a student the SPI does not show us.
                back = StageSplit.of((backIsTeacher ? config.teacher() : config.student()).build(), config.pooling());
                ownsBack = true;
                backTrains = true;
            }
            LocalToGlobalProjector l2g = projector(backReference, stage3, probeStore, dummy);
            FusionModel fusion = new FusionModel(l2g, back, backTrains, ownsBack);
            int studentDim = studentShapes.featureDim();
            modules = new CakdModules(fusion, teacher.model().featureDim(), studentDim, backReference.featureDim(),
                    config.projectionDim(), config.initialTemperature(),
                    config.memoryBank() ? config.memoryBankSize() : 0);
            modules.initialize(manager, DataType.FLOAT32, input);
            if (ownsBack) {
                back.model().freezeParameters(true);
                if (backIsTeacher) {
                    copyParameters(teacher.model(), back.model());
                }
                back.backParameters().forEach(p -> p.freeze(false));
            }
            if (!config.learnableTemperature()) {
                modules.logTauTeacherStudent().freeze(true);
                modules.logTauTeacherFusion().freeze(true);
                modules.logTauFusionStudent().freeze(true);
            }
        }
    }

    private LocalToGlobalProjector projector(Backbone backModel, Shape stage3, ParameterStore probeStore,
            NDArray dummy) {
        int inChannels = (int) stage3.get(1);
        int inGrid = (int) stage3.get(2);
        if (stage3.get(2) != stage3.get(3)) {
            throw new IllegalArgumentException("cakd: the stage-3 map " + stage3 + " is not square");
        }
        if (backModel instanceof VisionTransformer v) {
            refusePointMap(inGrid, v.config().gridSize());
            int heads = config.l2gHeads() > 0 ? config.l2gHeads() : v.config().numHeads();
            return LocalToGlobalProjector.tokenProjector(inChannels, inGrid, v.config().embedDim(),
                    v.config().gridSize(), heads);
        }
        if (backModel instanceof MlpMixer m) {
            int width = m.config().embedDim();
            refusePointMap(inGrid, m.config().imageSize() / m.config().patchSize());
            int heads = config.l2gHeads() > 0 ? config.l2gHeads() : automaticHeads(width);
            return LocalToGlobalProjector.tokenProjector(inChannels, inGrid, width,
                    m.config().imageSize() / m.config().patchSize(), heads);
        }
        // Homogeneous CNN pair: map to the teacher's own stage-3 channels and grid.
        Shape target = StageSplit.of(backModel, config.pooling()).front(probeStore, dummy, false).getShape();
        refusePointMap(inGrid, (int) target.get(2));
        return LocalToGlobalProjector.mapProjector(inChannels, inGrid, (int) target.get(1), (int) target.get(2));
    }

    /**
     * Refuses a 1×1 stage-3 map feeding a larger stage-4 grid (MobileNetV2 at 16 px: stride 16 leaves one position),
     * unless {@code allowPointStageMap}: the projector could only repeat that one position over the grid.
     */
    private void refusePointMap(int inGrid, int outGrid) {
        if (inGrid == 1 && outGrid > 1 && !config.allowPointStageMap()) {
            ModelSpec front = layout.front() == FusionLayout.Side.STUDENT ? config.student() : config.teacher();
            throw new IllegalArgumentException("cakd: the " + front.architecture() + " stage-3 map is 1x1 at imageSize "
                    + front.imageSize() + ", so the fusion model's projector could only repeat one position over the "
                    + outGrid + "x" + outGrid + " stage-4 grid; use a larger imageSize (2x2 or more at stage 3, e.g. 32"
                    + " for mobilenet-v2) or set allowPointStageMap: true");
        }
    }

    private static int automaticHeads(int width) {
        for (int h : new int[] {8, 4, 2}) {
            if (width % h == 0) {
                return h;
            }
        }
        return 1;
    }

    private static void copyParameters(Block from, Block to) {
        List<Parameter> a = from.getParameters().values();
        List<Parameter> b = to.getParameters().values();
        for (int i = 0; i < a.size(); i++) {
            a.get(i).getArray().copyTo(b.get(i).getArray());
        }
    }

    @Override
    public Optional<Block> trainable() {
        initialize();
        return Optional.of(modules);
    }

    /**
     * The trainable modules (fusion model parts, heads, temperatures).
     *
     * @return the modules
     */
    public CakdModules modules() {
        initialize();
        return modules;
    }

    /**
     * The frozen teacher.
     *
     * @return the teacher
     */
    public FrozenTeacher teacher() {
        initialize();
        return teacher;
    }

    /**
     * Which side supplies which part of the fusion model.
     *
     * @return the layout
     */
    public FusionLayout layout() {
        initialize();
        return layout;
    }

    /**
     * The fusion model's knowledge for a batch.
     *
     * @param images the images
     * @param student the learner's terms (for its stage-3 output, when the student supplies stages 1–3)
     * @param training training mode
     * @return pooled feature and logits of the fusion model
     */
    public Knowledge fusionKnowledge(NDArray images, LossTerms student, boolean training) {
        initialize();
        NDArray stage3 = layout.front() == FusionLayout.Side.STUDENT
                ? StudentOutputs.require(student, config.studentStageOutput(), NAME,
                        "the student's stage-3 output that feeds the fusion model; set studentStageOutput")
                : teacher.split().front(store, images, false).stopGradient();
        return modules.fusion().forward(store, stage3, training);
    }

    @Override
    public List<String> auxiliaryModels() {
        return List.of(ASSISTANT);
    }

    /**
     * The fusion model's predicted classes for an evaluation batch (evaluation mode, as the teacher always runs).
     *
     * @param batch the evaluation batch
     * @param learner the learner's evaluation outputs (its stage-3 output, when the student supplies stage 3)
     * @param step the evaluation step
     * @return {@code assistant}'s predictions; none when the learner gave no stage-3 output to continue from
     */
    @Override
    public Map<String, Predictions> predictAuxiliary(Batch batch, LossTerms learner, StepContext step) {
        initialize();
        if (layout.front() == FusionLayout.Side.STUDENT && learner.output(config.studentStageOutput()).isEmpty()) {
            if (!warnedNoStageOutput) {
                warnedNoStageOutput = true;
                LOG.log(System.Logger.Level.WARNING, "cakd: the learner gives no evaluation output '"
                        + config.studentStageOutput() + "' (Learner.evaluationOutputs), which the assistant "
                        + "continues from; cakd.assistant is not scored");
            }
            return Map.of();
        }
        NDArray images = batch.input(config.imageInput());
        teacher.checkImages(images);
        NDArray logits = fusionKnowledge(images, learner, false).logits();
        return Map.of(ASSISTANT, Predictions.ofClasses(logits.argMax(1).toLongArray()));
    }

    @Override
    public LossTerms loss(Batch batch, LossTerms student, StepContext step) {
        initialize();
        NDArray images = batch.input(config.imageInput());
        teacher.checkImages(images);
        NDArray studentLogits = StudentOutputs.require(student, "logits", NAME, "the student's logits p_S");
        NDArray studentFeatures = SpatialPooling.globalAverage(
                StudentOutputs.require(student, "features", NAME, "the student's pooled final feature f_S"),
                "learner output 'features'");
        int classes = config.teacher().numClasses();
        if (studentLogits.getShape().dimension() != 2 || studentLogits.getShape().get(1) != classes) {
            throw new IllegalArgumentException("cakd: learner output 'logits' has shape " + studentLogits.getShape()
                    + " but the teacher has " + classes + " classes (teacher.numClasses)");
        }
        long studentDim = modules.projStudent().inFeatures();
        if (studentFeatures.getShape().get(1) != studentDim) {
            throw new IllegalArgumentException("cakd: learner output 'features' has width "
                    + studentFeatures.getShape().get(1) + " but config 'student' (" + config.student().architecture()
                    + ") has feature width " + studentDim);
        }
        Knowledge kt = teacher.knowledge(store, images);
        Knowledge kf = fusionKnowledge(images, student, step.training());
        NDArray mask = TargetMask.of(batch, classes, NAME);
        scaling = new StepScaling(step, config.lossScaling().equals("grad-norm")
                ? LossScaling.crossEntropyGradientNorm(studentLogits, mask) : null);

        NDArray zt = InfoNce.normalize(modules.projTeacher().forward(store, kt.features(), step.training()));
        NDArray zs = InfoNce.normalize(modules.projStudent().forward(store, studentFeatures, step.training()));
        NDArray zf = InfoNce.normalize(modules.projFusion().forward(store, kf.features(), step.training()));
        boolean fusionDetached = config.fusionToStudentGradient().equals("student-only");
        NDArray zfAnchor = fusionDetached ? zf.stopGradient() : zf;

        Optional<BankStep> banks = config.memoryBank() && !config.ablateInfoNce()
                ? Optional.of(new BankStep(batch.sampleIds(), new SplittableRandom(step.seed()), step.manager()))
                : Optional.empty();
        LossTerms terms = LossTerms.none();
        terms = pair(terms, "ts", config.teacherStudentWeight(), zt, zs, kt.logits(), studentLogits,
                modules.logTauTeacherStudent(), mask, images, banks, modules.bankTeacher(), modules.bankStudent());
        if (!config.ablateTeacherFusionPair()) {
            terms = pair(terms, "tf", config.teacherFusionWeight(), zt, zf, kt.logits(), kf.logits(),
                    modules.logTauTeacherFusion(), mask, images, banks, modules.bankTeacher(), modules.bankFusion());
        }
        fusionAnchorTrains = !fusionDetached;
        terms = pair(terms, "fs", config.fusionStudentWeight(), zfAnchor, zs, kf.logits(), studentLogits,
                modules.logTauFusionStudent(), mask, images, banks, modules.bankFusion(), modules.bankStudent());
        if (banks.isPresent() && step.training()) {
            // After every loss of the step has read the banks (CRD updates its memory after computing the scores).
            float momentum = (float) config.memoryBankMomentum();
            long[] ids = batch.sampleIds();
            InfoNceMemoryBank.update(modules.bankTeacher().orElseThrow().getArray(), ids, zt, momentum, step.manager());
            InfoNceMemoryBank.update(modules.bankStudent().orElseThrow().getArray(), ids, zs, momentum, step.manager());
            InfoNceMemoryBank.update(modules.bankFusion().orElseThrow().getArray(), ids, zf, momentum, step.manager());
        }
        if (config.fusionCe()) {
            NDArray ce = CrossEntropy.mean(kf.logits(), batch, NAME);
            terms = terms.and("cakd-fusion-ce", scale("cakd-fusion-ce", ce, config.fusionCeWeight(),
                    () -> LossScaling.crossEntropyGradientNorm(kf.logits(), mask)));
        }
        return terms.withOutput("fusion-logits", kf.logits());
    }

    /**
     * Adds L(K_i, K_j): InfoNCE and OFA with i's logits as the (detached) teacher side. In-batch, i is the anchor
     * as §2.4 writes it; with memory banks the anchor is j, the side the pair trains, against i's bank (CRD's
     * student-anchored term; the i-anchored one against j's bank is the other direction of the symmetric form).
     */
    private LossTerms pair(LossTerms terms, String tag, double pairWeight, NDArray zi, NDArray zj, NDArray logitsI,
            NDArray logitsJ, Parameter logTau, NDArray mask, NDArray like, Optional<BankStep> banks,
            Optional<Parameter> bankI, Optional<Parameter> bankJ) {
        LossTerms out = terms;
        if (!config.ablateInfoNce()) {
            NDArray tau = store.getValue(logTau, like.getDevice(), true);
            NDArray nce;
            if (banks.isPresent()) {
                BankStep b = banks.get();
                nce = InfoNceMemoryBank.loss(zj, b.snapshot(bankI.orElseThrow()), b.contrast(), tau);
                if (config.infoNceSymmetric()) {
                    nce = Scalars.div(nce.add(InfoNceMemoryBank.loss(zi, b.snapshot(bankJ.orElseThrow()),
                            b.contrast(), tau)), 2f);
                }
            } else {
                nce = InfoNce.loss(zi, zj, tau, config.infoNceSymmetric());
            }
            boolean anchorTrains = !tag.equals("fs") || fusionAnchorTrains;
            out = out.and("cakd-nce-" + tag, scale("cakd-nce-" + tag, nce, pairWeight * config.infoNceWeight(),
                    () -> LossScaling.infoNceGradientNorm(zi, zj, tau, config.infoNceSymmetric(), anchorTrains)));
        }
        if (!config.ablateOfa()) {
            NDArray ofa = OfaLoss.loss(logitsJ, logitsI, mask, (float) config.ofaEps(), (float) config.ofaTemperature());
            out = out.and("cakd-ofa-" + tag, scale("cakd-ofa-" + tag, ofa, pairWeight * config.ofaWeight(),
                    () -> LossScaling.ofaGradientNorm(logitsJ, logitsI, mask, (float) config.ofaEps(),
                            (float) config.ofaTemperature())));
        }
        return out;
    }

    /** The step being scaled (set at the start of {@link #loss}). */
    private StepScaling scaling;
    /** Whether the fusion side of L(K_F, K_S) takes the gradient (fusionToStudentGradient 'both'). */
    private boolean fusionAnchorTrains;
    /** Each term's unweighted value at the first training step, for lossScaling 'initial' (checkpointed). */
    private final Map<String, Double> initialValues = new java.util.TreeMap<>();

    /** What the scaling of a step needs: the ramp factor and the student cross-entropy's gradient norm. */
    private record StepScaling(StepContext step, NDArray crossEntropyGradientNorm) {}

    /**
     * One weighted term under the configured scaling: {@code weight · ramp · s · raw}, where ramp is the warm-up
     * factor min(1, step / warmupSteps) and s is 1 ('none'), 1 / raw at the first training step ('initial', a
     * constant) or ‖∇CE(p_S)‖ / ‖∇raw‖ at the term's inputs, detached and at most {@link
     * LossScaling#MAX_GRAD_NORM_SCALE} ('grad-norm').
     */
    private NDArray scale(String name, NDArray raw, double weight, java.util.function.Supplier<NDArray> gradNorm) {
        StepContext step = scaling.step();
        double factor = weight;
        if (config.warmupSteps() > 0 && step.training()) {
            factor *= Math.min(1.0, (double) step.globalStep() / config.warmupSteps());
        }
        switch (config.lossScaling()) {
            case "initial" -> {
                Double initial = initialValues.get(name);
                if (initial == null && step.training()) {
                    initial = LossScaling.usableInitial(raw.getFloat());
                    initialValues.put(name, initial);
                }
                factor /= initial == null ? 1.0 : initial;
            }
            case "grad-norm" -> {
                NDArray s = LossScaling.gradNormScale(scaling.crossEntropyGradientNorm(), gradNorm.get());
                return Scalars.mul(raw.mul(s), (float) factor);
            }
            default -> { }
        }
        return Scalars.mul(raw, (float) factor);
    }

    /**
     * Each term's value at the first training step as lossScaling 'initial' divides by it (empty before that step
     * or with another scaling).
     *
     * @return term name → initial unweighted value
     */
    public Map<String, Double> initialTermValues() {
        return Map.copyOf(initialValues);
    }

    /**
     * One step's view of the memory banks: the contrast indices (drawn once per step from the step's seed, so a
     * resumed run draws the same) and a snapshot of each bank, taken before the step updates it in place.
     */
    private final class BankStep {
        private final long[] ids;
        private final SplittableRandom random;
        private final NDManager stepManager;
        private final java.util.Map<Parameter, NDArray> snapshots = new java.util.IdentityHashMap<>();
        private NDArray contrast;

        BankStep(long[] ids, SplittableRandom random, NDManager stepManager) {
            this.ids = ids;
            this.random = random;
            this.stepManager = stepManager;
        }

        NDArray snapshot(Parameter bank) {
            return snapshots.computeIfAbsent(bank, p -> InfoNceMemoryBank.snapshot(p.getArray(), stepManager));
        }

        /** The same draw for every pair of the step, as CRD draws one set of contrast indices per batch. */
        NDArray contrast() {
            if (contrast == null) {
                int k = config.memoryBankNegatives();
                long[] flat = InfoNceMemoryBank.contrastIndices(ids, k, config.memoryBankSize(), random);
                contrast = Owned.longs(stepManager, flat, new Shape(ids.length, k + 1));
            }
            return contrast;
        }
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public CakdConfig config() {
        return config;
    }

    /**
     * The names of the terms a configuration produces, in order.
     *
     * @param config the configuration
     * @return term names
     */
    public static List<String> termNames(CakdConfig config) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String tag : List.of("ts", "tf", "fs")) {
            if (tag.equals("tf") && config.ablateTeacherFusionPair()) {
                continue;
            }
            if (!config.ablateInfoNce()) {
                names.add("cakd-nce-" + tag);
            }
            if (!config.ablateOfa()) {
                names.add("cakd-ofa-" + tag);
            }
        }
        if (config.fusionCe()) {
            names.add("cakd-fusion-ce");
        }
        return List.copyOf(names);
    }

    /**
     * The state beyond {@link #trainable()}: the teacher's weights when they are random ({@link
     * FrozenTeacher#stateTensors}). The fusion model's trained parts, the heads, the temperatures and the InfoNCE
     * memory banks are parameters of {@link #modules()}, which the loop checkpoints as {@code trainable()}.
     */
    @Override
    public PluginState saveState(StepContext step) {
        return FrozenTeacher.distillerState(teacher, Map.of("memoryBank", config.memoryBank(),
                "initialTermValues", new java.util.TreeMap<>(initialValues)));
    }

    /**
     * Builds teacher and modules when this fresh distiller has none yet (the loop restores the modules' parameters
     * next) and copies the saved teacher into them.
     */
    @Override
    public void loadState(PluginState state) {
        FrozenTeacher.requireDistillerSchema(state, NAME);
        initialize();
        teacher.loadStateTensors(state);
        initialValues.clear();
        if (state.values().get("initialTermValues") instanceof Map<?, ?> saved) {
            saved.forEach((k, v) -> initialValues.put(String.valueOf(k), ((Number) v).doubleValue()));
        }
    }
}
