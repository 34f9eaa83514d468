/** {@code kd}: Hinton logit distillation (temperature-softened KL, T² scaling), the classic baseline. */
package dev.perennial.distillation.kd;
