package dev.perennial.api.events;

import dev.perennial.api.RunReport;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;

/**
 * Observes a run without changing it (progress bars, logs, reports). Every method has an empty default; a
 * listener that throws stops the run, so keep listeners simple.
 */
public interface RunListener {

    /**
     * The run starts (or resumes).
     *
     * @param event what is about to run
     */
    default void onRunStart(RunStarted event) {}

    /**
     * Something the user should know that does not stop the run, e.g. a corrupt checkpoint passed over on resume.
     * It may come before {@link #onRunStart}.
     *
     * @param message one line, naming the file or setting
     */
    default void onWarning(String message) {}

    /**
     * A task starts training.
     *
     * @param task the task
     * @param optimizerSteps the optimizer steps it will take
     */
    default void onTaskStart(TaskInfo task, long optimizerSteps) {}

    /**
     * An optimizer step finished (every {@code logEverySteps} steps, and the last of a task).
     *
     * @param event the step
     */
    default void onStep(StepEvent event) {}

    /**
     * Evaluation after a task finished: one row of the accuracy matrix.
     *
     * @param event the row
     */
    default void onEvaluation(EvaluationEvent event) {}

    /**
     * Evaluation scored a batch (for progress bars; the scores come with {@link #onEvaluation}).
     *
     * @param event where evaluation stands
     */
    default void onEvaluationProgress(EvaluationProgress event) {}

    /**
     * A checkpoint was written.
     *
     * @param directory its folder
     */
    default void onCheckpoint(Path directory) {}

    /**
     * The run ended normally.
     *
     * @param report the report
     */
    default void onRunEnd(RunReport report) {}
}
