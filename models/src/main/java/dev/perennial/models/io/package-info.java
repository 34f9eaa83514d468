/** Safetensors reading and writing, sharded checkpoints, name maps from timm, torchvision and Hugging Face. */
package dev.perennial.models.io;
