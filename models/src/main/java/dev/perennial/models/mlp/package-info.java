/**
 * All-MLP backbones: {@link dev.perennial.models.mlp.MlpMixer} with timm's names ({@code stem.proj},
 * {@code blocks.N.mlp_tokens.fc1}, {@code norm}, {@code head}), a {@link dev.perennial.models.Backbone} of family
 * MLP whose stages are the block outputs.
 */
package dev.perennial.models.mlp;
