/**
 * Continual VQA on generated Mini-CoIN: LLaCA against sequential LoRA, a fixed EMA and the multitask upper bound
 * over several seeds ({@link dev.perennial.benchmarks.vqa.ContinualVqaBenchmark}), derived from the shipped
 * continual-VQA sample.
 */
package dev.perennial.benchmarks.vqa;
