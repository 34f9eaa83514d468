/**
 * DiffusionFake on this CPU (issue #24): {@link dev.perennial.benchmarks.deepfake.TinyLatentDiffusion} pre-trains the
 * tiny frozen generator on rendered real faces, and {@link dev.perennial.benchmarks.deepfake.DiffusionFakeBenchmark}
 * trains the detector with and without the DiffusionFake head on the DF40-style
 * {@code synthetic-forgery-protocol} data set, reporting frame AUC and both EERs on the held-out forgery types.
 */
package dev.perennial.benchmarks.deepfake;
