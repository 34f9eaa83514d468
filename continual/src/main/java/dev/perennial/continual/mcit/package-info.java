/**
 * Continual instruction-tuning baselines of MCITlib / CoIN on the LLaVA learner (spec mcit.md): {@code o-lora}
 * (orthogonal per-task LoRA slices), {@code moe-lora} (a mixture of LoRA experts with a router) and MCITlib's
 * metrics of an accuracy matrix (MFT, MFN, MAA, BWT).
 */
package dev.perennial.continual.mcit;
