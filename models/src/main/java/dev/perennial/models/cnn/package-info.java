/**
 * Convolutional backbones with torchvision's module trees and parameter names, so torchvision (and timm ResNet,
 * which uses the same names) state dicts saved as safetensors load without renaming: {@link
 * dev.perennial.models.cnn.ResNet} (18/34/50, the CIFAR 3×3 stem, any base width) and {@link
 * dev.perennial.models.cnn.MobileNetV2} (any width multiplier). Both are {@link dev.perennial.models.Backbone}s
 * of family CNN exposing pooled and per-stage features; their heads are {@link dev.perennial.models.nn.Linear}
 * layers, so LoRA can be injected by module name.
 *
 * <p>Batch norm ({@link dev.perennial.models.cnn.BatchNorm2d}) uses torch's names and momentum convention; the
 * {@code num_batches_tracked} counters of torch checkpoints are skipped on load.
 */
package dev.perennial.models.cnn;
