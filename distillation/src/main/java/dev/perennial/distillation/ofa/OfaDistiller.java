package dev.perennial.distillation.ofa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.FrozenTeacher;
import dev.perennial.distillation.OfaLoss;
import dev.perennial.distillation.StudentOutputs;
import dev.perennial.distillation.TargetMask;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ofa}: OFAKD's distillation loss against the frozen teacher (Hao840/OFAKD {@code distillers/ofa.py}):
 * <pre>
 *   ofa-kd     = kdLossWeight  · OFA(student logits | teacher logits, y)
 *   ofa-stageK = ofaLossWeight · OFA(head_K(student stage K) | teacher logits, y)     K ∈ stages
 * </pre>
 * with {@link OfaLoss} and the projector heads of {@link OfaHeads}, which this distiller trains (its
 * {@link #trainable()} block, checkpointed with the run). The ground-truth cross-entropy is the learner's term.
 *
 * <p>Learner outputs read: {@code logits}; and for each stage K the student's stage output under the backbone's own
 * stage name ({@link OfaStages}: e.g. {@code layer1} for ResNet, {@code blocks.9} for a 12-block ViT), a map
 * {@code (B, C, H, W)} or tokens {@code (B, T, D)}, not detached, so the stage terms train the student's early
 * stages as in OFAKD. A missing output fails with a message naming it.
 */
public final class OfaDistiller implements Distiller {
    /** The plugin's name. */
    public static final String NAME = "ofa";
    /** The final-logit term (OFAKD's loss_kd). */
    public static final String KD_TERM = "ofa-kd";
    /** The prefix of the stage terms (their sum is OFAKD's loss_ofa). */
    public static final String STAGE_TERM = "ofa-stage";

    private final OfaConfig config;
    private final NDManager manager;
    private final ParameterStore store;
    private FrozenTeacher teacher;
    private OfaHeads heads;
    private final Map<Integer, String> stageOutputs = new LinkedHashMap<>();

    /**
     * Creates the distiller; the teacher and the heads are built at the first task.
     *
     * @param config the configuration
     * @param manager the plugin-lifetime manager
     * @throws IllegalArgumentException when stage terms are on and the config has no student
     */
    public OfaDistiller(OfaConfig config, NDManager manager) {
        config.requireStudent();
        this.config = config;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
    }

    @Override
    public void beforeTask(TaskInfo task) {
        initialize();
    }

    /** Builds the teacher and, with stage terms, the heads, once. */
    public void initialize() {
        if (teacher != null) {
            return;
        }
        teacher = new FrozenTeacher(config.teacher(), manager, TokenPooling.CLS, NAME);
        if (!config.stageTerms()) {
            return;
        }
        Shape input = FrozenTeacher.inputShape(config.student());
        List<OfaHeads.StageShape> shapes = new ArrayList<>();
        int studentDim;
        int classTokens;
        try (NDManager probe = manager.newSubManager()) {
            Backbone student = config.student().build();
            student.initialize(probe, DataType.FLOAT32, input);
            BackboneFeatures f = student.features(new ParameterStore(probe, false), probe.zeros(input), false);
            for (int k : config.stages()) {
                String name = OfaStages.name(student, k);
                stageOutputs.put(k, name);
                shapes.add(new OfaHeads.StageShape(k, f.stage(name).getShape().slice(1)));
            }
            studentDim = student.featureDim();
            classTokens = student instanceof VisionTransformer ? 1 : 0;
            if (student.family() != ModelFamily.CNN && shapes.stream().anyMatch(s -> s.shape().dimension() != 2)) {
                throw new IllegalStateException("ofa: a " + student.family() + " student's stages must be tokens");
            }
        }
        heads = new OfaHeads(shapes, studentDim, teacher.model().featureDim(), classTokens,
                config.teacher().numClasses());
        heads.initialize(manager, DataType.FLOAT32, input);
        // Built lazily inside a step's NDScope, the heads' weights would be closed with the step's arrays.
        heads.getParameters().values().forEach(p -> NDScope.unregister(p.getArray()));
    }

    /**
     * The frozen teacher, built on first use.
     *
     * @return the teacher
     */
    public FrozenTeacher teacher() {
        initialize();
        return teacher;
    }

    /**
     * The per-stage projector heads.
     *
     * @return the heads, empty when no stage term is on
     */
    public Optional<OfaHeads> heads() {
        initialize();
        return Optional.ofNullable(heads);
    }

    /**
     * The learner output each stage head reads.
     *
     * @return stage → output name (the backbone's stage name)
     */
    public Map<Integer, String> stageOutputs() {
        initialize();
        return Map.copyOf(stageOutputs);
    }

    @Override
    public Optional<Block> trainable() {
        initialize();
        return Optional.ofNullable(heads);
    }

    @Override
    public LossTerms loss(Batch batch, LossTerms student, StepContext step) {
        initialize();
        NDArray logits = StudentOutputs.require(student, "logits", NAME, "the student's logits");
        NDArray t = teacher.knowledge(store, batch.input(config.imageInput())).logits();
        NDArray mask = TargetMask.of(batch, (int) t.getShape().get(1), NAME);
        float eps = (float) config.eps();
        float temperature = (float) config.temperature();
        LossTerms terms = LossTerms.of(KD_TERM, Scalars.mul(OfaLoss.loss(logits, t, mask, eps, temperature),
                (float) config.kdLossWeight()));
        if (heads != null) {
            for (Map.Entry<Integer, String> e : stageOutputs.entrySet()) {
                NDArray stage = StudentOutputs.require(student, e.getValue(), NAME, "the student's OFA stage "
                        + e.getKey() + " output, read by its projector head; or leave the stage out of 'stages'");
                NDArray headLogits = heads.head(e.getKey()).forward(store, stage, step.training());
                terms = terms.and(STAGE_TERM + e.getKey(), Scalars.mul(OfaLoss.loss(headLogits, t, mask, eps,
                        temperature), (float) config.ofaLossWeight()));
            }
        }
        return terms;
    }

    /**
     * The state beyond {@link #trainable()} (the heads, which the loop checkpoints): the teacher's weights when
     * they are random ({@link FrozenTeacher#stateTensors}); a teacher read from its file is read again on resume.
     */
    @Override
    public PluginState saveState(StepContext step) {
        return FrozenTeacher.distillerState(teacher, Map.of());
    }

    /** Builds teacher and heads when this fresh distiller has none yet and copies the saved teacher into them. */
    @Override
    public void loadState(PluginState state) {
        FrozenTeacher.requireDistillerSchema(state, NAME);
        teacher().loadStateTensors(state);
    }
}
