package dev.perennial.distillation.fitnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.FrozenTeacher;
import dev.perennial.distillation.SpatialPooling;
import dev.perennial.distillation.StudentOutputs;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.util.Map;
import java.util.Optional;

/**
 * {@code fitnet}: FitNets (Romero et al. 2015) hint regression, {@code L = mean ‖r(h_S) − h_T‖²} with a
 * learnable linear regressor r. The student's and the teacher's features live in different layouts when the
 * families differ, so both are globally average-pooled first (the way OFA's heterogeneous FitNet baseline has to
 * align them); cakd.md pitfall 8 records that plain feature regression does poorly across architectures.
 */
public final class FitnetDistiller implements Distiller {
    /** The plugin's name. */
    public static final String NAME = "fitnet";

    private final FitnetConfig config;
    private final NDManager manager;
    private final ParameterStore store;
    private FrozenTeacher teacher;
    private Linear regressor;

    /**
     * Creates the distiller; teacher and regressor are built at the first task.
     *
     * @param config the configuration
     * @param manager the plugin-lifetime manager
     */
    public FitnetDistiller(FitnetConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
    }

    @Override
    public void beforeTask(TaskInfo task) {
        initialize();
    }

    /** Builds the teacher and the regressor, once. */
    public void initialize() {
        if (teacher != null) {
            return;
        }
        teacher = new FrozenTeacher(config.teacher(), manager, TokenPooling.CLS, NAME);
        if (!config.teacherStage().equals("pooled") && !teacher.model().stageNames().contains(config.teacherStage())) {
            throw new IllegalArgumentException("fitnet config field 'teacherStage' is '" + config.teacherStage()
                    + "'; accepted: pooled, " + teacher.model().stageNames());
        }
        int teacherDim;
        try (NDManager probe = manager.newSubManager()) {
            NDArray dummy = probe.zeros(FrozenTeacher.inputShape(config.teacher()));
            teacherDim = (int) teacherFeature(dummy).getShape().get(1);
        }
        regressor = new Linear(config.studentDim(), teacherDim, true);
        regressor.initialize(manager, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, config.studentDim()));
    }

    private NDArray teacherFeature(NDArray images) {
        if (config.teacherStage().equals("pooled")) {
            return teacher.knowledge(store, images).features();
        }
        BackboneFeatures f = teacher.model().features(store, images, false);
        NDArray stage = f.stage(config.teacherStage()).stopGradient();
        return SpatialPooling.globalAverage(stage, "teacher stage '" + config.teacherStage() + "'");
    }

    @Override
    public Optional<Block> trainable() {
        initialize();
        return Optional.of(regressor);
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

    @Override
    public LossTerms loss(Batch batch, LossTerms student, StepContext step) {
        initialize();
        NDArray images = batch.input(config.imageInput());
        teacher.checkImages(images);
        NDArray h = SpatialPooling.globalAverage(StudentOutputs.require(student, config.studentOutput(), NAME,
                "the student feature regressed onto the teacher's"), "learner output '" + config.studentOutput() + "'");
        if (h.getShape().get(1) != config.studentDim()) {
            throw new IllegalArgumentException("fitnet: learner output '" + config.studentOutput() + "' has width "
                    + h.getShape().get(1) + " but config field 'studentDim' is " + config.studentDim());
        }
        NDArray target = teacherFeature(images);
        NDArray mse = regressor.forward(store, h, step.training()).sub(target).square().mean();
        return LossTerms.of(NAME, Scalars.mul(mse, (float) config.weight()));
    }

    /**
     * The state beyond {@link #trainable()} (the regressor): the teacher's weights when they are random ({@link
     * FrozenTeacher#stateTensors}); a teacher read from its file is read again on resume.
     */
    @Override
    public PluginState saveState(StepContext step) {
        return FrozenTeacher.distillerState(teacher, Map.of());
    }

    /** Builds teacher and regressor when this fresh distiller has none yet and copies the saved teacher into it. */
    @Override
    public void loadState(PluginState state) {
        FrozenTeacher.requireDistillerSchema(state, NAME);
        initialize();
        teacher.loadStateTensors(state);
    }
}
