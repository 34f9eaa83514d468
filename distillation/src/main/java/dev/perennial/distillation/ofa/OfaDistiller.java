package dev.perennial.distillation.ofa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.FrozenTeacher;
import dev.perennial.distillation.OfaLoss;
import dev.perennial.distillation.StudentOutputs;
import dev.perennial.distillation.TargetMask;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.util.Map;

/**
 * {@code ofa}: one term {@code ofa} = weight · {@link OfaLoss} against the frozen teacher; reads the learner output
 * {@code logits} and the batch labels.
 */
public final class OfaDistiller implements Distiller {
    /** The plugin's name. */
    public static final String NAME = "ofa";

    private final OfaConfig config;
    private final NDManager manager;
    private final ParameterStore store;
    private FrozenTeacher teacher;

    /**
     * Creates the distiller; the teacher is built at the first task.
     *
     * @param config the configuration
     * @param manager the plugin-lifetime manager
     */
    public OfaDistiller(OfaConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
    }

    @Override
    public void beforeTask(TaskInfo task) {
        teacher();
    }

    /**
     * The frozen teacher, built on first use.
     *
     * @return the teacher
     */
    public FrozenTeacher teacher() {
        if (teacher == null) {
            teacher = new FrozenTeacher(config.teacher(), manager, TokenPooling.CLS, NAME);
        }
        return teacher;
    }

    @Override
    public LossTerms loss(Batch batch, LossTerms student, StepContext step) {
        NDArray logits = StudentOutputs.require(student, "logits", NAME, "the student's logits");
        NDArray t = teacher().knowledge(store, batch.input(config.imageInput())).logits();
        NDArray mask = TargetMask.of(batch, (int) t.getShape().get(1), NAME);
        return LossTerms.of(NAME, Scalars.mul(OfaLoss.loss(logits, t, mask, (float) config.eps(),
                (float) config.temperature()), (float) config.weight()));
    }

    /**
     * The state beyond {@link #trainable()}: the teacher's weights when they are random ({@link
     * FrozenTeacher#stateTensors}); a teacher read from its file is read again on resume.
     */
    @Override
    public PluginState saveState(StepContext step) {
        return FrozenTeacher.distillerState(teacher, Map.of());
    }

    /** Builds the teacher when this fresh distiller has none yet and copies the saved weights into it. */
    @Override
    public void loadState(PluginState state) {
        FrozenTeacher.requireDistillerSchema(state, NAME);
        teacher().loadStateTensors(state);
    }
}
