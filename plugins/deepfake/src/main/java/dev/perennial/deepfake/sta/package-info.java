/**
 * The spatiotemporal adapter (StA, specs/deepfake.md Part B.1): {@link dev.perennial.deepfake.sta.SpatiotemporalAdapter}
 * (two-stream depthwise 3-D convolutions, spatial 1×k×k and temporal k×1×1, bottleneck projections and
 * cross-attention, zero-initialised up-projection), {@link dev.perennial.deepfake.sta.TemporalEmbedding},
 * {@link dev.perennial.deepfake.sta.FrameAveragingHead}, and {@link dev.perennial.deepfake.sta.SpatiotemporalVit},
 * which inserts an adapter after every block of a {@code dev.perennial.models.vit.VisionTransformer}.
 * Clips are (B, T, C, H, W); inside the ViT the frames are flattened frame-major to (B·T, …).
 */
package dev.perennial.deepfake.sta;
