/**
 * Knowledge distillation from a frozen teacher, as {@link dev.perennial.spi.Distiller} plugins: the shared parts
 * (the teacher and student descriptions, the frozen teacher, the loss functions {@link
 * dev.perennial.distillation.InfoNce}, {@link dev.perennial.distillation.OfaLoss} and {@link
 * dev.perennial.distillation.LogitKd}); the plugins live in {@code cakd}, {@code kd}, {@code fitnet} and
 * {@code ofa}, the assistant (fusion) model in {@code assistant}.
 */
package dev.perennial.distillation;
