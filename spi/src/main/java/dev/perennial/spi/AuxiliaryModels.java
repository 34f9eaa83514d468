package dev.perennial.spi;

import java.util.List;
import java.util.Map;

/**
 * A training-only plugin (a {@link Distiller}, an {@link Augmenter}, a {@link Sampler}) that has models of its own
 * worth scoring, e.g. {@code cakd}'s assistant (fusion) model. The loop passes it every evaluation batch after the
 * learner predicted, scores each returned prediction with the experiment's first metric (the accuracy-matrix one),
 * exactly as it scores the learner, and reports the result as one more matrix: {@code otherMetrics} entry
 * {@code PLUGIN.MODEL} of {@code report.json} (e.g. {@code cakd.assistant}), row k the scores after k + 1 tasks,
 * {@code null} where not evaluated. The rows are checkpointed with the metrics' rows, so a resumed run reports them
 * all; {@code report.html} and a sweep's comparison show them beside the learner's matrix.
 *
 * <p>What the plugin sees: the evaluation batch (unaugmented), the learner's {@link Learner#evaluationOutputs}
 * for that batch (e.g. the student's stage outputs that an assistant continues from) and an evaluation step
 * context ({@code training()} false, no gradients recorded). Arrays made here belong to the step's manager and are
 * closed with it; return host-side {@link Predictions}. Evaluation runs on the master parameters on the first device,
 * unsplit (plugin-authors.md 3.8).
 *
 * @since SPI 1.4
 */
public interface AuxiliaryModels {

    /**
     * The names of the models this plugin scores, each {@code [a-z0-9-]+}, fixed for the run.
     *
     * @return the names, e.g. {@code ["assistant"]}
     */
    List<String> auxiliaryModels();

    /**
     * Each auxiliary model's predictions for one evaluation batch.
     *
     * @param batch the evaluation batch
     * @param learner the learner's {@link Learner#evaluationOutputs} for this batch (empty when the learner gives
     *                none)
     * @param step the evaluation step
     * @return per name of {@link #auxiliaryModels()}, predictions of the batch's size; a name may be left out
     */
    Map<String, Predictions> predictAuxiliary(Batch batch, LossTerms learner, StepContext step);
}
