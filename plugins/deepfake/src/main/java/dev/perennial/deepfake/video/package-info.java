/**
 * Clip augmenters (specs/deepfake.md §B.1.5–B.1.6): {@code video-blend} (Video-level Blending: a real clip and its
 * per-frame warped copy blended frame by frame into a hard-negative fake) and {@code clip-consistent} (one random
 * transform per clip), with {@link dev.perennial.deepfake.video.ClipConsistentAugmenter} wrapping any per-image
 * augmenter. Clips are a batch input of shape B×T×C×H×W (frames not flattened), float32 in [0, 1].
 */
package dev.perennial.deepfake.video;
