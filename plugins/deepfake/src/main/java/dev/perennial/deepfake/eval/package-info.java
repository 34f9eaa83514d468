/**
 * DF40 / DeepfakeBench detection metrics (specs/deepfake.md §C.3): {@link dev.perennial.deepfake.eval.RocCurve}
 * (AUC, both EER definitions, AP) and the metric plugins {@code frame-auc}, {@code video-auc}, {@code eer},
 * {@code eer-roc-crossing}, {@code average-precision}, {@code accuracy-at-half}, {@code real-accuracy} and
 * {@code fake-accuracy}. Scores are the learner's fake
 * probability ({@code Predictions.ofScores}, column 1 by default); labels ≥ 1 count as fake.
 */
package dev.perennial.deepfake.eval;
