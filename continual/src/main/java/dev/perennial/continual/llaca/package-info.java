/**
 * LLaCA (arXiv:2410.10868 v1): the gradient-adaptive EMA of the trainable tensors for multimodal continual
 * instruction tuning (spec {@code llaca.md}), and the LLaVA learners built on it.
 */
package dev.perennial.continual.llaca;
