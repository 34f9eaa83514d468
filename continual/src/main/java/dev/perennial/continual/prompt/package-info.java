/**
 * Prompt-based class-incremental learners on a frozen pre-trained ViT (prompts.md): L2P (a keyed prompt pool,
 * prompt-tuning at the input), DualPrompt (a shared G-prompt and task-keyed E-prompts, prefix-tuning) and
 * CODA-Prompt (attention-weighted prompt components, prefix-tuning). Only prompts, keys, attention vectors and the
 * linear head train; the query is the class-token feature of the same ViT without prompts.
 */
package dev.perennial.continual.prompt;
