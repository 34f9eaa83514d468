package dev.perennial.spi;

import ai.djl.nn.Block;
import java.util.List;

/**
 * A continual-learning method. The loop calls, per task: {@link #beforeTask}, then per batch
 * {@link #loss} (inside the loop's one gradient collector), backward, {@link #afterBackward} (raw gradients),
 * gradient clipping in place, optimizer step, {@link #afterStep} (gradients still readable: the ones the
 * optimizer used); then {@link #afterTask} and evaluation through {@link #predict}.
 *
 * <p>A learner never opens a {@code GradientCollector} and never steps an optimizer: the loop owns both.
 * Where a method needs gradients outside training (e.g. EWC's Fisher information) it asks
 * {@link TaskData#gradients}.
 */
public interface Learner {

    /**
     * Prepares for a task: grow heads, freeze or unfreeze parts, snapshot old weights.
     *
     * @param task the task about to be trained
     * @param data its training data, for methods that look at it before training (no augmentation)
     */
    void beforeTask(TaskInfo task, TaskData data);

    /**
     * Every parameter the loop optimizes (those with gradients enabled) and checkpoints (all of them).
     * The block must be initialized after {@link #beforeTask} returns; its structure may grow between tasks.
     *
     * @return the learner's model
     */
    Block model();

    /**
     * Parameter groups with their own learning rate or weight decay, matched by parameter-name pattern; the
     * experiment's groups take precedence.
     *
     * @return groups, empty by default (one group)
     */
    default List<ParameterGroup> parameterGroups() {
        return List.of();
    }

    /**
     * The loss of one (augmented) training batch; runs inside the gradient collector.
     *
     * @param batch the batch
     * @param step the step
     * @return named scalar terms, and outputs for distillers
     */
    LossTerms loss(Batch batch, StepContext step);

    /**
     * Runs after backward and before the optimizer step; parameter gradients are readable here, before
     * clipping (with gradient accumulation, once per micro-batch, holding the sum so far).
     *
     * @param step the step
     */
    default void afterBackward(StepContext step) {}

    /**
     * Runs after the optimizer step (e.g. an EMA of the weights). Gradients are still readable: they are the
     * ones the step used, clipped in place when {@code training.gradientClipNorm} applied. A parameter that took
     * no part in the step's loss reads as a zero gradient (the loop zeroes gradients in place between steps); a
     * method for which "no gradient" differs from "zero gradient" must track which parameters its loss read.
     *
     * @param step the step
     */
    default void afterStep(StepContext step) {}

    /**
     * Runs after the task's last step and before evaluation: consolidate, compute prototypes, merge weights.
     *
     * @param task the task just trained
     * @param data its training data, without augmentation
     */
    default void afterTask(TaskInfo task, TaskData data) {}

    /**
     * Predicts a batch (no gradients are recorded).
     *
     * @param batch the batch
     * @param step the evaluation step
     * @return the predictions
     */
    Predictions predict(Batch batch, StepContext step);

    /**
     * The outputs that training-only plugins with models of their own ({@link AuxiliaryModels}, e.g. {@code cakd}'s
     * assistant, which continues from the student's stage-3 output) read on an evaluation batch: the same named
     * outputs {@link #loss} returns, computed in evaluation mode, without loss terms. Called only when such a
     * plugin is in the experiment, once per evaluation batch, after {@link #predict}.
     *
     * @param batch the evaluation batch
     * @param step the evaluation step (no gradients are recorded)
     * @return the outputs; by default none
     * @since SPI 1.4
     */
    default LossTerms evaluationOutputs(Batch batch, StepContext step) {
        return LossTerms.none();
    }

    /**
     * The state to checkpoint beyond {@link #model()}'s parameters (which the loop saves itself).
     *
     * @param step a context whose manager may hold temporary arrays for the write
     * @return the state
     */
    default PluginState saveState(StepContext step) {
        return PluginState.empty(1);
    }

    /**
     * Restores a checkpointed state. Called on a fresh learner before {@link #model()}'s parameters are
     * restored, so the learner can rebuild its structure (e.g. the heads of tasks already seen).
     *
     * @param state the state written by {@link #saveState}
     */
    default void loadState(PluginState state) {}
}
