/** Layers shared by the backbones: attention, MLPs, norms, rotary embeddings. */
package dev.perennial.models.nn;
