/**
 * The assistant (fusion) model of cakd.md §2.2: {@link dev.perennial.distillation.assistant.StageSplit} cuts a
 * {@code models/} backbone into stages 1–3 and stage 4 + head, {@link
 * dev.perennial.distillation.assistant.LocalToGlobalProjector} is the only new module, and {@link
 * dev.perennial.distillation.assistant.FusionModel} composes them by the spec's rule.
 */
package dev.perennial.distillation.assistant;
