/** The CLIP vision tower with Hugging Face parameter names. */
package dev.perennial.models.clip;
