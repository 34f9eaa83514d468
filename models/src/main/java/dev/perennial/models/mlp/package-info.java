/** All-MLP backbones: MLP-Mixer. */
package dev.perennial.models.mlp;
