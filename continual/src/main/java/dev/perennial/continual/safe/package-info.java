/**
 * SAFE, slow and fast parameter-efficient tuning for class-incremental learning on a pre-trained ViT
 * ({@code ../shared/specs/safe.md}): the {@code safe} learner ({@link dev.perennial.continual.safe.SafeProvider}),
 * its loss terms ({@link dev.perennial.continual.safe.SlowFastLosses}) and inference aggregation
 * ({@link dev.perennial.continual.safe.EntropyAggregation}).
 */
package dev.perennial.continual.safe;
