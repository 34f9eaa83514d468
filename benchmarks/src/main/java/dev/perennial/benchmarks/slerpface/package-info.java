/**
 * SlerpFace on generated faces (issue #9): {@link dev.perennial.benchmarks.slerpface.SlerpFaceBenchmark} trains the
 * plugin's {@code slerpface-grouping} recogniser through the shared loop, extracts templates of unseen identities
 * ({@link dev.perennial.benchmarks.slerpface.TrainedRecogniser},
 * {@link dev.perennial.benchmarks.slerpface.ExtractedFaceTemplates}) and runs the plugin's protector evaluation with
 * the image-decoder inversion attack ({@link dev.perennial.benchmarks.slerpface.ImageDecoderAttack},
 * {@link dev.perennial.benchmarks.slerpface.TemplateImageDecoder}).
 */
package dev.perennial.benchmarks.slerpface;
