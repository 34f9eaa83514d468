/**
 * QCF's quality-centric curriculum (specs/deepfake.md Part A): the {@code quality-curriculum} sampler
 * ({@link dev.perennial.deepfake.curriculum.QualityCurriculumSampler}) and its {@code quality-freda} companion
 * augmenter, which share a {@link dev.perennial.deepfake.curriculum.QualityBoard}. Usage (YAML):
 * <pre>{@code
 * sampler: {name: quality-curriculum, config: {alpha: 1.0, staticScoresFile: arcface-q.csv}}
 * augmenters: [{name: quality-freda, config: {radius: 0.1}}]
 * }</pre>
 * The learner must report per-sample losses ({@code LossTerms.withPerSampleLoss}); the data set must provide each
 * fake's corresponding real frame as the batch input {@code real}.
 */
package dev.perennial.deepfake.curriculum;
