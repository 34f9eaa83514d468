/**
 * The distillation benchmark: a teacher of one family distilled into students of another with no distiller,
 * {@code kd}, {@code fitnet}, {@code ofa} and {@code cakd}, through the shared training loop; and
 * {@code distill-student}, the learner it trains them with (a {@code models/} backbone that reports the outputs
 * the distillers read).
 */
package dev.perennial.benchmarks.distillation;
